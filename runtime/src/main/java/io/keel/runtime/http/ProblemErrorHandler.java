package io.keel.runtime.http;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ErrorHandler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The one place where an exception thrown while routing becomes an answer: {@link ProblemMapper} decides the problem,
 * this logs it with the request id (stack trace only for real failures) and sends it as problem+json, unless the
 * response was already streaming, in which case the client sees a cut-off body and the connection closes.
 */
final class ProblemErrorHandler implements ErrorHandler<Throwable> {
    private static final Logger LOG = LoggerFactory.getLogger(ProblemErrorHandler.class);

    private final Problems problems;
    private final ProblemMapper mapper;
    private final LogSampler refusals = new LogSampler(LOG, "503/429 refusals", 10);

    ProblemErrorHandler(Problems problems, ProblemMapper mapper) {
        this.problems = problems;
        this.mapper = mapper;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res, Throwable t) {
        ProblemException problem = mapper.map(t);
        String method = req.prologue().method().text();
        String path = req.path().path();
        String requestId = MDC.get(RequestIds.MDC_KEY);
        if (requestId == null) {
            requestId = RequestIds.generate();
        }
        if (problem.status() >= 500 && problem.status() != 503) {
            LOG.error("{} {} failed with {} [requestId={}]: {}", method, path, problem.status(), requestId,
                    t.toString(), t);
        } else if (problem.status() == 503 || problem.status() == 429) {
            if (refusals.tryLog()) {
                // refusals come in floods exactly when CPU is scarce; they are counted in metrics, logged sampled
                LOG.warn("{} {} answered {} [requestId={}]: {}", method, path, problem.status(), requestId,
                        problem.detail());
            }
        } else {
            // A client's mistake is the client's to see (the problem document) and the operator's to count
            // (http_server_requests_seconds{outcome="CLIENT_ERROR"}, the dashboard's 4xx tile); at INFO a scanner's
            // flood of 404s would bury everything else in the log.
            LOG.debug("{} {} answered {}: {}", method, path, problem.status(), problem.detail());
        }
        if (res.isSent()) {
            return;
        }
        res.headers().remove(HeaderNames.CONTENT_LENGTH);
        res.header(RequestIds.HEADER, requestId);
        problems.send(res, problem, path, requestId);
    }
}
