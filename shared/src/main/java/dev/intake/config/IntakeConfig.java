package dev.intake.config;

import java.net.URI;

/**
 * Where Intake's resources are. In Lambda every value comes from the function's environment, which
 * {@code template.yaml} sets; the local stack builds one directly.
 *
 * @param endpoint an endpoint override for DynamoDB and SQS (the emulators), or null for AWS itself
 */
public record IntakeConfig(String region, URI endpoint, Tables tables, String eventsQueueUrl) {

    /** Table names, one per kind of record; see docs/architecture.md. */
    public record Tables(String workspaces, String forms, String submissions, String people, String campaigns,
                         String guards) {}

    public static IntakeConfig fromEnvironment() {
        String endpoint = Env.get("INTAKE_AWS_ENDPOINT", Env.get("AWS_ENDPOINT_URL"));
        return new IntakeConfig(
                Env.get("AWS_REGION", "us-east-1"),
                endpoint == null ? null : URI.create(endpoint),
                new Tables(
                        Env.get("WORKSPACES_TABLE", "WorkspacesTable"),
                        Env.get("FORMS_TABLE", "FormsTable"),
                        Env.get("SUBMISSIONS_TABLE", "SubmissionsTable"),
                        Env.get("PEOPLE_TABLE", "PeopleTable"),
                        Env.get("CAMPAIGNS_TABLE", "CampaignsTable"),
                        Env.get("GUARDS_TABLE", "GuardsTable")),
                Env.get("EVENTS_QUEUE_URL"));
    }
}
