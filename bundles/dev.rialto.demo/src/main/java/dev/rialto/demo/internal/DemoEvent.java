package dev.rialto.demo.internal;

import dev.rialto.api.events.EventType;
import java.time.Instant;

/** A generated event; its id is given when the events are written in time order. */
record DemoEvent(EventType type, String user, String item, int quantity, Instant timestamp, String query) {
}
