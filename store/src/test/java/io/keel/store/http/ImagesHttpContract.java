package io.keel.store.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.keel.store.images.TestImages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import static io.keel.store.http.Problems.assertProblem;
import static io.keel.store.http.Problems.fields;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code POST /api/images/thumbnail} over HTTP: formats, sizes, refusals, and the CPU pool refusing when full. */
abstract class ImagesHttpContract extends StoreContract {
    private static final BufferedImage PICTURE = TestImages.picture(400, 300, BufferedImage.TYPE_INT_RGB);
    private Api.User user;

    @BeforeAll
    void signIn() {
        user = api.newUser();
    }

    private HttpResponse<byte[]> thumbnail(Api client, String token, String query, String contentType, byte[] body) {
        return client.sendForBytes(client.request("/api/images/thumbnail?" + query, token)
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    private HttpResponse<String> refused(String token, String query, String contentType, byte[] body) {
        return api.send(api.request("/api/images/thumbnail?" + query, token)
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"png", "jpeg", "gif", "bmp"})
    void everyInputFormatBecomesAPngOfExactlyTheRequestedSizeWhenCovering(String format) {
        HttpResponse<byte[]> res = thumbnail(api, user.token(), "width=64&height=40&fit=cover&format=png",
                "image/" + format, TestImages.encode(PICTURE, format));

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("Content-Type")).hasValue("image/png");
        BufferedImage thumb = TestImages.decode(res.body());
        assertThat(List.of(thumb.getWidth(), thumb.getHeight())).containsExactly(64, 40);
        assertThat(res.headers().firstValue("X-Image-Width")).hasValue("64");
        assertThat(res.headers().firstValue("X-Image-Height")).hasValue("40");
    }

    @ParameterizedTest
    @ValueSource(strings = {"png", "jpeg", "gif", "bmp"})
    void everyInputFormatBecomesAJpegThatKeepsTheAspectRatioWhenContaining(String format) {
        HttpResponse<byte[]> res = thumbnail(api, user.token(), "width=80&height=80&fit=contain&format=jpeg",
                "image/" + format, TestImages.encode(PICTURE, format));

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("Content-Type")).hasValue("image/jpeg");
        assertThat(res.body()[0] & 0xFF).isEqualTo(0xFF);
        assertThat(res.body()[1] & 0xFF).isEqualTo(0xD8);
        BufferedImage thumb = TestImages.decode(res.body());
        assertThat(List.of(thumb.getWidth(), thumb.getHeight())).containsExactly(80, 60);
    }

    @Test
    void aPngDeclaringTenBillionPixelsIsRefusedFastWith413() {
        long start = System.nanoTime();
        assertProblem(refused(user.token(), "width=100&height=100", "image/png", TestImages.pngHeader(100_000, 100_000)),
                413);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void aBodyOfUnknownLengthIsReadToItsEndAndOneLongerThanTheLimitIs413() {
        byte[] jpeg = TestImages.encode(PICTURE, "jpeg");
        HttpResponse<byte[]> res = api.sendForBytes(api.request("/api/images/thumbnail?width=40&height=30",
                        user.token()).header("Content-Type", "image/jpeg")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(jpeg))));
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(TestImages.decode(res.body()).getWidth()).isEqualTo(40);

        byte[] tooLong = Arrays.copyOf(jpeg, 20 * 1024 * 1024 + 1); // KEEL_MAX_IMAGE_SIZE defaults to 20m
        assertProblem(api.send(api.request("/api/images/thumbnail?width=40&height=30", user.token())
                .header("Content-Type", "image/jpeg")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(tooLong)))), 413);
    }

    @Test
    void aTruncatedJpegIs422() {
        byte[] jpeg = TestImages.encode(PICTURE, "jpeg");
        assertProblem(refused(user.token(), "width=100&height=100", "image/jpeg",
                Arrays.copyOf(jpeg, jpeg.length * 6 / 10)), 422);
    }

    @Test
    void aBodyOfAMediaTypeTheRouteDoesNotTakeIs415() {
        assertProblem(refused(user.token(), "width=100&height=100", "text/plain", "hello".getBytes()), 415);
        assertProblem(refused(user.token(), "width=100&height=100", "image/webp", "RIFF....WEBP".getBytes()), 415);
    }

    @ParameterizedTest
    @ValueSource(strings = {"image/png", "image/jpeg", "image/gif", "image/bmp",
            "image/jpg", "IMAGE/PNG; charset=x"})
    void aBodyDeclaredAsAnImageThatIsNotOneIs422AndAnEmptyOneIs400(String type) {
        assertProblem(refused(user.token(), "width=100&height=100", type, "plain text, not an image".getBytes()),
                422);
        assertProblem(refused(user.token(), "width=100&height=100", type, new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8}),
                422);
        assertProblem(refused(user.token(), "width=100&height=100", type, new byte[] {(byte) 0x89}), 422);
        assertProblem(refused(user.token(), "width=100&height=100", type, new byte[0]), 400);
    }

    @Test
    void aWidthOrHeightOutsideOneTo4096OrMissingIs400NamingIt() {
        byte[] png = TestImages.encode(PICTURE, "png");
        for (String query : new String[] {"width=0&height=10", "width=5000&height=10", "width=abc&height=10",
            "height=10"}) {
            assertThat(fields(assertProblem(refused(user.token(), query, "image/png", png), 400))).as(query)
                    .containsExactly("width");
        }
        assertThat(fields(assertProblem(refused(user.token(), "width=10&height=4097", "image/png", png), 400)))
                .containsExactly("height");
        assertThat(fields(assertProblem(refused(user.token(), "width=10&height=10&format=gif", "image/png", png),
                400))).containsExactly("format");
        assertThat(fields(assertProblem(refused(user.token(), "width=10&height=10&fit=stretch", "image/png", png),
                400))).containsExactly("fit");
        assertThat(thumbnail(api, user.token(), "width=4096&height=1", "image/png", png).statusCode()).isEqualTo(200);
    }

    @Test
    void thumbnailsNeedASignedInUser() {
        byte[] png = TestImages.encode(PICTURE, "png");
        assertProblem(api.send(api.request("/api/images/thumbnail?width=10&height=10")
                .header("Content-Type", "image/png").POST(HttpRequest.BodyPublishers.ofByteArray(png))), 401);
        assertProblem(refused("bogus", "width=10&height=10", "image/png", png), 401);
        assertProblem(refused(StoreUnderTest.OPERATOR_TOKEN, "width=10&height=10", "image/png", png), 403);
    }

    @Test
    void aFullCpuPoolRefusesWith503AndRetryAfterInsteadOfQueueing() throws Exception {
        // 16 megapixels of one colour: a small upload that still takes a while to inflate and scale.
        byte[] large = TestImages.encode(new BufferedImage(4000, 4000, BufferedImage.TYPE_INT_RGB), "png");
        try (StoreUnderTest tiny = StoreUnderTest.start(backend(), Map.of("cpu-threads", "1", "cpu-queue", "1"))) {
            Api client = tiny.api();
            Api.User buyer = client.newUser();
            CountDownLatch go = new CountDownLatch(1);
            List<HttpResponse<byte[]>> responses;
            try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<HttpResponse<byte[]>>> futures = IntStream.range(0, 12)
                        .mapToObj(i -> clients.submit(() -> {
                            go.await();
                            return thumbnail(client, buyer.token(), "width=300&height=300", "image/png", large);
                        }))
                        .toList();
                go.countDown();
                responses = futures.stream().map(ImagesHttpContract::join).toList();
            }

            assertThat(responses).extracting(HttpResponse::statusCode).containsOnly(200, 503).contains(200, 503);
            HttpResponse<byte[]> busy = responses.stream().filter(r -> r.statusCode() == 503).findFirst()
                    .orElseThrow();
            assertThat(busy.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(Long.parseLong(busy.headers().firstValue("Retry-After").orElseThrow())).isPositive();
            JsonNode problem = Api.JSON.readTree(busy.body());
            assertThat(problem.get("status").asInt()).isEqualTo(503);
            assertThat(client.get("/metrics", StoreUnderTest.OPERATOR_TOKEN).body()).containsPattern("keel_cpu_pool_rejected_total\\{[^}]*} [1-9]");
        }
    }

    private static <T> T join(Future<T> future) {
        try {
            return future.get();
        } catch (Exception e) {
            throw new AssertionError("a request failed instead of being answered", e);
        }
    }
}
