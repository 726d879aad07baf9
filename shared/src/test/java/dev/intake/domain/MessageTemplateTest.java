package dev.intake.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessageTemplateTest {
    private static final Map<String, Object> CONTEXT = Map.of(
            "person", Map.of("email", "ada@example.com", "id", "p1",
                    "attributes", Map.of("plan", "pro", "seats", new BigDecimal("3.0"))),
            "data", Map.of("firstName", "Ada", "interests", List.of("math", "engines"),
                    "age", new BigDecimal("36"), "score", new BigDecimal("4.50"), "agreed", true,
                    "address", Map.of("city", "London"), "snippet", "<b>Tom & \"Jerry\"</b> 'x'"),
            "event", Map.of("id", "evt_1", "type", "form.submitted"),
            "form", Map.of("id", "frm_1", "name", "Newsletter"),
            "campaign", Map.of("id", "cmp_1"));

    private static String render(String template) {
        return MessageTemplate.render(template, CONTEXT, false);
    }

    @Test
    void render_whenNestedPaths_substitutesEachValue() {
        assertEquals("Hi Ada (ada@example.com), plan pro, event evt_1 on Newsletter for cmp_1",
                render("Hi {{data.firstName}} ({{person.email}}), plan {{person.attributes.plan}}, "
                        + "event {{event.id}} on {{form.name}} for {{campaign.id}}"));
    }

    @Test
    void render_whenWhitespaceInsideBraces_ignoresIt() {
        assertEquals("Ada|Ada|Ada", render("{{ data.firstName }}|{{data.firstName   }}|{{\tdata.firstName\n}}"));
    }

    @Test
    void render_whenValueMissing_rendersEmpty() {
        assertEquals("[][][][]", render("[{{data.nope}}][{{person.attributes.nope.deeper}}][{{nope.x}}][{{data.firstName.x}}]"));
    }

    @Test
    void render_whenValueIsNull_rendersEmpty() {
        Map<String, Object> data = new HashMap<>();
        data.put("x", null);
        assertEquals("[]", MessageTemplate.render("[{{data.x}}]", Map.of("data", data), false));
    }

    @Test
    void render_whenContextIsNull_rendersPlaceholdersEmpty() {
        assertEquals("Hi !", MessageTemplate.render("Hi {{person.email}}!", null, false));
    }

    @Test
    void render_whenTemplateIsNull_returnsEmpty() {
        assertEquals("", MessageTemplate.render(null, CONTEXT, true));
    }

    @Test
    void render_whenNoPlaceholders_returnsTemplateUnchanged() {
        assertEquals("Plain <b>text</b> & } { }}", MessageTemplate.render("Plain <b>text</b> & } { }}", CONTEXT, true));
    }

    @Test
    void render_whenValueIsList_joinsWithCommas() {
        assertEquals("math, engines", render("{{data.interests}}"));
    }

    @Test
    void render_whenListHoldsNullsAndMaps_skipsThem() {
        Map<String, Object> data = Map.of("l", Arrays.asList("a", null, Map.of("k", "v"), new BigDecimal("2.0"), "b"));
        assertEquals("a, 2, b", MessageTemplate.render("{{data.l}}", Map.of("data", data), false));
    }

    @Test
    void render_whenValueIsMap_rendersEmpty() {
        assertEquals("[][]", render("[{{data.address}}][{{person}}]"));
    }

    @Test
    void render_whenIntegralNumbers_dropsTrailingZeroFraction() {
        Map<String, Object> data = Map.of("a", new BigDecimal("3.0"), "b", 2.0d, "c", 7, "d", 9_000_000_000L,
                "e", new BigDecimal("1E+3"), "f", BigInteger.TEN, "g", -0.0d, "h", 5.0f);
        assertEquals("3 2 7 9000000000 1000 10 0 5",
                MessageTemplate.render("{{data.a}} {{data.b}} {{data.c}} {{data.d}} {{data.e}} {{data.f}} {{data.g}} {{data.h}}",
                        Map.of("data", data), false));
    }

    @Test
    void render_whenFractionalNumbers_keepsTheirDigits() {
        Map<String, Object> data = Map.of("a", new BigDecimal("4.50"), "b", 0.1d, "c", new BigDecimal("-2.25"));
        assertEquals("4.50 0.1 -2.25", MessageTemplate.render("{{data.a}} {{data.b}} {{data.c}}", Map.of("data", data), false));
    }

    @Test
    void render_whenNotFiniteDouble_rendersJavaText() {
        assertEquals("NaN", MessageTemplate.render("{{data.x}}", Map.of("data", Map.of("x", Double.NaN)), false));
    }

    @Test
    void render_whenBoolean_rendersTrueOrFalse() {
        assertEquals("true", render("{{data.agreed}}"));
    }

    @Test
    void render_whenHtml_escapesSubstitutedValues() {
        assertEquals("<p>&lt;b&gt;Tom &amp; &quot;Jerry&quot;&lt;/b&gt; &#39;x&#39;</p>",
                MessageTemplate.render("<p>{{data.snippet}}</p>", CONTEXT, true));
    }

    @Test
    void render_whenHtml_leavesTemplateTextAlone() {
        assertEquals("<a href=\"x?a=1&b=2\">Ada</a>",
                MessageTemplate.render("<a href=\"x?a=1&b=2\">{{data.firstName}}</a>", CONTEXT, true));
    }

    @Test
    void render_whenHtmlAndListValue_escapesEachElement() {
        Map<String, Object> data = Map.of("l", List.of("<a>", "b&c"));
        assertEquals("&lt;a&gt;, b&amp;c", MessageTemplate.render("{{data.l}}", Map.of("data", data), true));
    }

    @Test
    void render_whenNotHtml_leavesValuesRaw() {
        assertEquals("<b>Tom & \"Jerry\"</b> 'x'", render("{{data.snippet}}"));
    }

    @Test
    void render_whenValueContainsPlaceholder_doesNotExpandItAgain() {
        Map<String, Object> data = Map.of("x", "{{person.email}}");
        assertEquals("{{person.email}}",
                MessageTemplate.render("{{data.x}}", Map.of("data", data, "person", Map.of("email", "a@b")), false));
    }

    @Test
    void render_whenBracesUnclosed_keepsThemLiterally() {
        assertEquals("Hi Ada, {{person.email", render("Hi {{data.firstName}}, {{person.email"));
        assertEquals("{{", render("{{"));
        assertEquals("a {{ b } c", render("a {{ b } c"));
    }

    @Test
    void render_whenPlaceholderIsEmptyOrInvalid_rendersEmpty() {
        assertEquals("[][][]", render("[{{}}][{{ data.first name }}][{{data..firstName}}]"));
    }

    @Test
    void problems_whenTripleBraces_reportsThemAsInvalid() {
        List<String> problems = MessageTemplate.problems("{{{data.firstName}}}");
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("invalid characters"), problems.toString());
    }

    @Test
    void render_whenKeyOnlyInOtherRoot_doesNotLeakAcrossRoots() {
        assertEquals("", render("{{data.email}}"));
    }

    @Test
    void render_whenOutputWouldBeHuge_truncatesAtLimit() {
        String big = "x".repeat(60_000);
        String out = MessageTemplate.render("{{data.v}}{{data.v}}{{data.v}}", Map.of("data", Map.of("v", big)), false);
        assertEquals(MessageTemplate.MAX_OUTPUT, out.length());
    }

    @Test
    void render_whenHugeTemplateText_truncatesAtLimit() {
        assertEquals(MessageTemplate.MAX_OUTPUT, render("y".repeat(150_000)).length());
    }

    @Test
    void render_whenCutWouldSplitSurrogatePair_dropsTheHalf() {
        String emoji = "\uD83D\uDE00";
        String out = render("a" + emoji.repeat(60_000));
        assertEquals(MessageTemplate.MAX_OUTPUT - 1, out.length());
        assertFalse(Character.isHighSurrogate(out.charAt(out.length() - 1)));
    }

    @Test
    void renderHeader_whenValueHasCrLf_replacesWithSpaces() {
        Map<String, Object> data = Map.of("name", "Ada\r\nBcc: victim@example.com");
        assertEquals("Hello Ada  Bcc: victim@example.com",
                MessageTemplate.renderHeader("Hello {{data.name}}", Map.of("data", data)));
    }

    @Test
    void renderHeader_whenTemplateHasControlCharacters_replacesThemToo() {
        assertEquals("a b c d e f", MessageTemplate.renderHeader("a\nb\u0000c\td\u2028e\u0085f", CONTEXT));
    }

    @Test
    void renderHeader_whenValueHasHtml_doesNotEscape() {
        assertEquals("Tom & Jerry <t@example.com>",
                MessageTemplate.renderHeader("{{data.n}} <t@example.com>", Map.of("data", Map.of("n", "Tom & Jerry"))));
    }

    @Test
    void problems_whenTemplateValid_isEmpty() {
        assertEquals(List.of(), MessageTemplate.problems(
                "Hi {{ data.firstName }} {{person.attributes.plan_v-2}} {{event.id}} {{form.name}} {{campaign.id}}"));
        assertEquals(List.of(), MessageTemplate.problems("no placeholders } {"));
        assertEquals(List.of(), MessageTemplate.problems(null));
    }

    @Test
    void problems_whenUnknownRoot_namesItAndTheAllowedOnes() {
        assertEquals(List.of("{{foo.bar}}: unknown variable 'foo'; use person, data, event, form or campaign"),
                MessageTemplate.problems("x {{ foo.bar }} y"));
    }

    @Test
    void problems_whenEmptyPlaceholder_reportsIt() {
        List<String> problems = MessageTemplate.problems("a {{}} b {{  }}");
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("{{}}: empty variable"), problems.toString());
    }

    @Test
    void problems_whenInvalidCharacters_reportsThem() {
        List<String> problems = MessageTemplate.problems("{{person.first name}} {{data.x|upper}} {{data['x']}}");
        assertEquals(3, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("{{person.first name}}: invalid characters"), problems.toString());
    }

    @Test
    void problems_whenEmptySegment_reportsIt() {
        List<String> problems = MessageTemplate.problems("{{person..email}} {{.person}} {{person.}}");
        assertEquals(3, problems.size(), problems.toString());
        problems.forEach(p -> assertTrue(p.contains("empty path segment"), p));
    }

    @Test
    void problems_whenRootAlone_reportsThatItRendersNothing() {
        assertEquals(List.of("{{person}}: 'person' alone renders nothing; name a value such as person.id"),
                MessageTemplate.problems("{{person}}"));
    }

    @Test
    void problems_whenUnclosed_reportsPosition() {
        assertEquals(List.of("unclosed '{{' at character 4; close it with '}}'"), MessageTemplate.problems("Hi {{person.email}"));
    }

    @Test
    void problems_whenNestedOpen_reportsIt() {
        List<String> problems = MessageTemplate.problems("{{person.email {{data.x}}");
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("'{{' inside a variable"), problems.toString());
    }

    @Test
    void problems_whenSameProblemRepeats_reportsItOnce() {
        assertEquals(1, MessageTemplate.problems("{{x.y}} {{x.y}} {{ x.y }}").size());
    }

    @Test
    void problems_whenVeryMany_capsTheList() {
        StringBuilder template = new StringBuilder();
        for (int i = 0; i < 100; i++) template.append("{{bad").append(i).append(".x}} ");
        assertEquals(20, MessageTemplate.problems(template.toString()).size());
    }

    @Test
    void escapeHtml_whenSpecialCharacters_escapesAllFive() {
        assertEquals("&amp;&lt;&gt;&quot;&#39;é", MessageTemplate.escapeHtml("&<>\"'é"));
    }
}
