package io.keel.store.images;

import io.keel.store.images.ImageRejectedException.Reason;
import org.opencv.core.Core;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.MatOfInt;
import org.opencv.core.Rect;
import org.opencv.core.Size;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

import java.awt.Rectangle;

/**
 * JPEG thumbnails with OpenCV's bundled libjpeg-turbo: the decoder scales in the DCT domain by 1/2, 1/4 or 1/8, so a
 * 2000x2000 photo for a 200x200 box is decoded as 250x250 (each pixel the mean of an 8x8 block) instead of four
 * million pixels, then area-averaged to the exact size and encoded, all in native code. The reduction is the largest
 * one that keeps the decoded region at least as large as the output, so the final resize only ever shrinks a little
 * (or enlarges small sources, bilinear). EXIF orientation is ignored, as on the ImageIO path.
 *
 * <p>Thread-safe: OpenCV's codecs and resize are reentrant, every call owns its matrices and releases them before it
 * returns (their native memory is not left to the collector). CPU only; native memory per call is the decoded image at
 * the chosen reduction plus the output, bounded by the pixel limit the caller checked.
 */
final class OpenCvJpeg {
    static final String FEATURE = "jpeg";
    private static final int[] REDUCTIONS = {8, 4, 2};
    private static final int JPEG_QUALITY = 80;

    private OpenCvJpeg() {
    }

    /**
     * Loads the native library (once per class loader; extracting it takes a second or two the first time) and
     * checks that its JPEG codec answers.
     *
     * @throws LinkageError when the library does not exist for this platform or cannot load
     */
    static OpenCvJpeg load() {
        nu.pattern.OpenCV.loadLocally();
        // Parallelism comes from the CPU pool; OpenCV's own worker threads would compete with it.
        Core.setNumThreads(0);
        if (!Core.getBuildInformation().contains("libjpeg-turbo")) {
            throw new UnsatisfiedLinkError("OpenCV " + Core.VERSION + " was built without libjpeg-turbo");
        }
        return new OpenCvJpeg();
    }

    String describe() {
        return "OpenCV " + Core.VERSION + " with libjpeg-turbo, DCT-domain reduced decoding";
    }

    /** Makes the thumbnail {@code plan} describes from {@code jpeg}, whose declared size the caller has checked. */
    Thumbnail thumbnail(byte[] jpeg, JpegStructure structure, ThumbnailPlan plan, OutputFormat format) {
        int reduction = reduction(plan);
        MatOfByte input = new MatOfByte(jpeg);
        Mat decoded = Imgcodecs.imdecode(input, flags(reduction));
        Mat resized = new Mat();
        MatOfByte encoded = new MatOfByte();
        MatOfInt params = format == OutputFormat.JPEG
                ? new MatOfInt(Imgcodecs.IMWRITE_JPEG_QUALITY, JPEG_QUALITY)
                : new MatOfInt();
        try {
            if (decoded.empty()) {
                throw new ImageRejectedException(Reason.CORRUPT, "image data is corrupt");
            }
            Mat region = decoded.submat(scaled(plan.region(), structure, decoded));
            int interpolation = region.cols() >= plan.outputWidth() ? Imgproc.INTER_AREA : Imgproc.INTER_LINEAR;
            Imgproc.resize(region, resized, new Size(plan.outputWidth(), plan.outputHeight()), 0, 0, interpolation);
            region.release();
            if (!Imgcodecs.imencode(format == OutputFormat.JPEG ? ".jpg" : ".png", resized, encoded, params)) {
                throw new IllegalStateException("OpenCV could not encode a " + format + " thumbnail");
            }
            return new Thumbnail(encoded.toArray(), format.contentType(), plan.outputWidth(), plan.outputHeight());
        } finally {
            input.release();
            decoded.release();
            resized.release();
            encoded.release();
            params.release();
        }
    }

    /** The largest DCT reduction that keeps the region at least as large as the output in both directions. */
    static int reduction(ThumbnailPlan plan) {
        for (int r : REDUCTIONS) {
            if (plan.region().width / r >= plan.outputWidth() && plan.region().height / r >= plan.outputHeight()) {
                return r;
            }
        }
        return 1;
    }

    private static int flags(int reduction) {
        int colour = switch (reduction) {
            case 8 -> Imgcodecs.IMREAD_REDUCED_COLOR_8;
            case 4 -> Imgcodecs.IMREAD_REDUCED_COLOR_4;
            case 2 -> Imgcodecs.IMREAD_REDUCED_COLOR_2;
            default -> Imgcodecs.IMREAD_COLOR;
        };
        return colour | Imgcodecs.IMREAD_IGNORE_ORIENTATION;
    }

    /** {@code region} in source pixels mapped onto the reduced image, which libjpeg rounds up to whole pixels. */
    private static Rect scaled(Rectangle region, JpegStructure source, Mat decoded) {
        double sx = (double) decoded.cols() / source.width();
        double sy = (double) decoded.rows() / source.height();
        int x = Math.min(decoded.cols() - 1, (int) Math.round(region.x * sx));
        int y = Math.min(decoded.rows() - 1, (int) Math.round(region.y * sy));
        int w = Math.max(1, Math.min(decoded.cols() - x, (int) Math.round(region.width * sx)));
        int h = Math.max(1, Math.min(decoded.rows() - y, (int) Math.round(region.height * sy)));
        return new Rect(x, y, w, h);
    }
}
