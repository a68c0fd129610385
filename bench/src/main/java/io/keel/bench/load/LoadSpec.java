package io.keel.bench.load;

/** One open-loop stream: a class of requests sent on a schedule. Immutable. */
public record LoadSpec(RequestClass requestClass, RateSchedule schedule, RequestFactory factory) {
}
