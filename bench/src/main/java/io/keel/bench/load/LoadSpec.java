package io.keel.bench.load;

import java.util.Optional;

/**
 * One open-loop stream: a class of requests sent on a schedule; with a {@link AnswerSink}, whose answers' bodies are
 * read and handed to it. Immutable.
 */
public record LoadSpec(RequestClass requestClass, RateSchedule schedule, RequestFactory factory,
                       Optional<AnswerSink> sink) {
    /** A stream whose answers are only timed (bodies discarded). */
    public LoadSpec(RequestClass requestClass, RateSchedule schedule, RequestFactory factory) {
        this(requestClass, schedule, factory, Optional.empty());
    }

    /** The same stream, its outcomes also handed to {@code s}. */
    public LoadSpec withSink(AnswerSink s) {
        return new LoadSpec(requestClass, schedule, factory, Optional.of(s));
    }
}
