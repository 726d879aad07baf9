package dev.intake;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The domain and application layers know nothing of AWS, HTTP, JSON, configuration or adapters. */
class ArchitectureTest {
    private static final String[] FORBIDDEN = {
            "software.amazon.awssdk..",
            "com.amazonaws..",
            "dev.intake.adapter..",
            "dev.intake.http..",
            "dev.intake.config..",
            "dev.intake.json..",
    };

    private static JavaClasses production;

    @BeforeAll
    static void importProductionClasses() {
        production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.intake");
    }

    private static ArchRule mustNotDependOnOuterLayers(String... layers) {
        return noClasses().that().resideInAnyPackage(layers)
                .should().dependOnClassesThat().resideInAnyPackage(FORBIDDEN)
                .allowEmptyShould(false);
    }

    @Test
    void domainAndApplication_whenImported_dependOnNoAwsHttpJsonConfigOrAdapter() {
        mustNotDependOnOuterLayers("dev.intake.domain..", "dev.intake.application..").check(production);
    }

    @Test
    void import_whenTestsExcluded_holdsDomainAndApplicationButNoTestClasses() {
        assertTrue(production.contain("dev.intake.domain.SubmissionValidator"));
        assertTrue(production.contain("dev.intake.application.SubmitForm"));
        assertTrue(production.contain("dev.intake.application.port.FormStore"));
        assertFalse(production.contain(ArchitectureTest.class));
        assertFalse(production.contain("dev.intake.application.InMemoryFormStore"));
    }

    /** Guards against a rule that passes because its condition can never fire. */
    @Test
    void rule_whenAppliedToAdapters_reportsViolations() {
        EvaluationResult result = mustNotDependOnOuterLayers("dev.intake.adapter..").evaluate(production);
        assertTrue(result.hasViolation(), "adapters use the AWS SDK, so the same rule must flag them");
    }

    @Test
    void rule_whenNoClassMatches_failsInsteadOfPassingVacuously() {
        ArchRule empty = mustNotDependOnOuterLayers("dev.intake.nosuchpackage..");
        AssertionError error = assertThrows(AssertionError.class, () -> empty.evaluate(production));
        assertTrue(error.getMessage().contains("failed to check any classes"), error.getMessage());
    }
}
