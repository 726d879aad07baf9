package dev.intake.adapter.dynamodb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DynamoPersonStoreTest {
    @Test
    void textOverTheLimit_isStoredGzipped_andReadBackExactly() {
        String text = "é".repeat(DynamoPersonStore.LONG_TEXT_BYTES / 2) + "😀"; // 128 two-byte characters, then four bytes
        var stored = DynamoPersonStore.attribute(text);
        assertNotNull(stored.b());
        assertNull(stored.s());
        assertEquals(text, DynamoPersonStore.fromAttribute(stored));
    }

    @Test
    void textUpToTheLimit_andOtherValues_areStoredAsTheyAre() {
        String text = "é".repeat(DynamoPersonStore.LONG_TEXT_BYTES / 2); // exactly the limit, in bytes
        assertEquals(text, DynamoPersonStore.attribute(text).s());
        for (Object v : List.of(new BigDecimal("4.50"), true, List.of("x".repeat(1000)), Map.of("k", "y".repeat(1000)))) {
            var stored = DynamoPersonStore.attribute(v);
            assertNull(stored.b(), "only text is compressed: " + v);
            assertEquals(v, DynamoPersonStore.fromAttribute(stored));
        }
    }
}
