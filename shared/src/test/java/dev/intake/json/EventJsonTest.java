package dev.intake.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.intake.domain.FormSubmitted;
import dev.intake.domain.Source;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventJsonTest {
    private static final Instant AT = Instant.parse("2025-03-04T05:06:07.089Z");

    private static FormSubmitted event(String personId) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("email", "ada@example.com");
        data.put("age", new BigDecimal("36"));
        data.put("score", new BigDecimal("4.25"));
        data.put("agree", true);
        data.put("topics", List.of("news", "offers"));
        Map<String, Object> attributes = new LinkedHashMap<>(data);
        attributes.put("first_name", "Ada \"the first\" L\u00f6velace \u2603");
        return new FormSubmitted("evt_0000000000000001", "ws_a", "frm_contact001", "sub_0000000000000001",
                personId, data, attributes, Source.ACTION, AT, false);
    }

    private static JsonNode tree(String json) throws Exception {
        return Json.mapper().readTree(json);
    }

    @Test
    void read_whenGivenWrittenEvent_returnsAnEqualEvent() {
        FormSubmitted original = event("per_0000000000000001");

        FormSubmitted back = (FormSubmitted) EventJson.read(EventJson.write(original));

        assertEquals(original, back);
        assertEquals(List.copyOf(original.data().keySet()), List.copyOf(back.data().keySet()));
    }

    @Test
    void read_whenNumberHasTrailingZeros_keepsItsValue() {
        FormSubmitted e = new FormSubmitted("evt_1", "ws_a", "f", "sub_1", null,
                Map.of("price", new BigDecimal("4.50")), Map.of(), Source.API, AT, false);

        BigDecimal back = (BigDecimal) ((FormSubmitted) EventJson.read(EventJson.write(e))).data().get("price");

        assertEquals(0, new BigDecimal("4.50").compareTo(back), back.toString());
    }

    @Test
    void read_whenPersonIdNull_keepsItNull() {
        FormSubmitted back = (FormSubmitted) EventJson.read(EventJson.write(event(null)));

        assertNull(back.personId());
        assertEquals(event(null), back);
    }

    @Test
    void read_whenDataEmpty_returnsEmptyMaps() {
        FormSubmitted e = new FormSubmitted("evt_1", "ws_a", "f", "sub_1", null, Map.of(), Map.of(), Source.API, AT, false);

        FormSubmitted back = (FormSubmitted) EventJson.read(EventJson.write(e));

        assertEquals(e, back);
        assertTrue(back.data().isEmpty());
    }

    @Test
    void write_whenGivenEvent_usesTheDocumentedEnvelope() throws Exception {
        JsonNode o = tree(EventJson.write(event("per_1")));

        assertEquals("form.submitted", o.get("type").textValue());
        assertEquals("evt_0000000000000001", o.get("id").textValue());
        assertEquals("ws_a", o.get("workspace_id").textValue());
        assertEquals("frm_contact001", o.get("form_id").textValue());
        assertEquals("sub_0000000000000001", o.get("submission_id").textValue());
        assertEquals("per_1", o.get("person_id").textValue());
        assertEquals("action", o.get("source").textValue());
        assertEquals("2025-03-04T05:06:07.089Z", o.get("submitted_at").textValue());
        assertEquals(36, o.get("data").get("age").intValue());
        assertTrue(o.get("data").get("agree").booleanValue());
        assertEquals("offers", o.get("data").get("topics").get(1).textValue());
    }

    @ParameterizedTest
    @ValueSource(strings = {"garbage", "{", "<xml/>", "{\"type\":\"form.submitted\"", "\u0000"})
    void read_whenNotJson_throwsIllegalArgumentException(String body) {
        assertThrows(IllegalArgumentException.class, () -> EventJson.read(body));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "null", "[]", "42", "{}", "{\"type\":\"track\"}"})
    void read_whenNotAFormSubmittedEnvelope_throwsIllegalArgumentException(String body) {
        assertThrows(IllegalArgumentException.class, () -> EventJson.read(body));
    }

    @ParameterizedTest
    @ValueSource(strings = {"id", "workspace_id", "form_id", "submission_id", "source", "submitted_at"})
    void read_whenRequiredMemberMissing_throwsIllegalArgumentExceptionNamingIt(String member) throws Exception {
        var o = (ObjectNode) tree(EventJson.write(event("per_1")));
        o.remove(member);

        var e = assertThrows(IllegalArgumentException.class, () -> EventJson.read(Json.write(o)));

        assertTrue(e.getMessage().contains(member), e.getMessage());
    }

    @Test
    void read_whenSourceUnknown_throwsIllegalArgumentException() throws Exception {
        var o = (ObjectNode) tree(EventJson.write(event("per_1")));
        o.put("source", "carrier_pigeon");

        assertThrows(IllegalArgumentException.class, () -> EventJson.read(Json.write(o)));
    }

    @Test
    void read_whenTimestampMalformed_throwsIllegalArgumentException() throws Exception {
        var o = (ObjectNode) tree(EventJson.write(event("per_1")));
        o.put("submitted_at", "yesterday");

        assertThrows(IllegalArgumentException.class, () -> EventJson.read(Json.write(o)));
    }
}
