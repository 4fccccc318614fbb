package dev.rialto.demo.internal;

import java.util.List;

/** Everything one generator run produced; events are in time order. */
record DemoData(List<DemoItem> items, List<DemoUser> users, List<DemoEvent> events) {
}
