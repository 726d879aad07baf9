package dev.intake.domain;

import java.util.List;

/** A page of items and the opaque cursor of the next page, or null on the last page. */
public record Page<T>(List<T> items, String nextCursor) {
    public Page {
        items = List.copyOf(items);
    }

    public boolean hasMore() { return nextCursor != null; }
}
