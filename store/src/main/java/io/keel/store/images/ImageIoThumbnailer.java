package io.keel.store.images;

import io.keel.store.Lazy;
import io.keel.store.NativePath;
import io.keel.store.images.ImageRejectedException.Reason;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * {@link Thumbnailer} on ImageIO, with JPEG sources made by {@link OpenCvJpeg} (decoded at reduced scale, a fraction
 * of the CPU) when its native library loads; CMYK and YCCK JPEGs, and every JPEG when it does not load, take the
 * ImageIO path. Uses whichever reader ImageIO ranks first for the sniffed format, which for JPEG is
 * TwelveMonkeys when it is on the class path (CMYK/YCCK, broken ICC profiles). Streams are memory-cached, never
 * file-cached: ImageIO's global cache switch is left alone. Thread-safe: every call owns its reader and writer.
 */
final class ImageIoThumbnailer implements Thumbnailer {
    /** Visually clean for photos at about a third of the size of 0.95. */
    private static final float JPEG_QUALITY = 0.80f;

    private final ImageLimits limits;
    private final boolean subsample;
    /** The JPEG codec, chosen on first use. */
    private final Lazy<JpegPath> jpegPath;

    /** The JPEG codec chosen: the native one, or none (ImageIO), and the path that says which. */
    private record JpegPath(Optional<OpenCvJpeg> codec, NativePath path) {
    }

    /**
     * {@code subsample} off decodes every source pixel; only measurements and tests turn it off. {@code nativeJpeg}
     * is {@link OpenCvJpeg#load}, called on the first {@link #path()} or JPEG thumbnail, not here: loading OpenCV
     * costs about half a second of CPU, which a restarting worker must not spend before it is ready. When it throws,
     * JPEGs take the ImageIO path (tests pass one that throws).
     */
    ImageIoThumbnailer(ImageLimits limits, boolean subsample, Supplier<OpenCvJpeg> nativeJpeg) {
        this.limits = limits;
        this.subsample = subsample;
        this.jpegPath = Lazy.of(() -> choose(nativeJpeg));
    }

    private static JpegPath choose(Supplier<OpenCvJpeg> nativeJpeg) {
        try {
            OpenCvJpeg jpeg = nativeJpeg.get();
            return new JpegPath(Optional.of(jpeg), NativePath.loaded(OpenCvJpeg.FEATURE, jpeg.describe()));
        } catch (LinkageError | RuntimeException e) {
            return new JpegPath(Optional.empty(), NativePath.fallback(OpenCvJpeg.FEATURE, e));
        }
    }

    private JpegPath jpegPath() {
        return jpegPath.get();
    }

    @Override
    public NativePath path() {
        return jpegPath().path();
    }

    @Override
    public Thumbnail create(byte[] body, String contentType, ThumbnailSpec spec) {
        if (SourceFormat.ofContentType(contentType).isEmpty()) {
            throw new ImageRejectedException(Reason.UNSUPPORTED_TYPE,
                    "content type " + contentType + " is not one of image/png, image/jpeg, image/gif, image/bmp");
        }
        if (body.length > limits.maxInputBytes()) {
            throw new ImageRejectedException(Reason.INPUT_TOO_LARGE,
                    "image body is larger than " + limits.maxInputBytes() + " bytes");
        }
        try {
            SourceFormat format = sniff(body);
            Optional<OpenCvJpeg> nativeJpeg = format == SourceFormat.JPEG ? jpegPath().codec() : Optional.empty();
            if (nativeJpeg.isPresent()) {
                Optional<Thumbnail> made = nativeThumbnail(nativeJpeg.get(), body, spec);
                if (made.isPresent()) {
                    return made.get();
                }
            }
            BufferedImage decoded = decode(new ByteArrayInputStream(body), format, spec);
            return encode(decoded, spec);
        } catch (IOException | RuntimeException e) {
            if (e instanceof ImageRejectedException rejected) {
                throw rejected;
            }
            // Readers signal damaged data with IIOException, EOFException or plain runtime exceptions
            // (index out of bounds and the like); all of them mean the same thing to the client.
            throw new ImageRejectedException(Reason.CORRUPT, "image data is corrupt or truncated", e);
        }
    }

    /** Empty for four-component (CMYK, YCCK) JPEGs, whose colours only the ImageIO path converts correctly. */
    private Optional<Thumbnail> nativeThumbnail(OpenCvJpeg codec, byte[] jpeg, ThumbnailSpec spec) {
        JpegStructure structure = JpegStructure.parse(jpeg);
        checkPixels("source image", structure.width(), structure.height());
        ThumbnailPlan plan = ThumbnailPlan.of(structure.width(), structure.height(), spec, false);
        checkPixels("thumbnail", plan.outputWidth(), plan.outputHeight());
        if (!structure.complete()) {
            throw new ImageRejectedException(Reason.CORRUPT, "image data is truncated (no end-of-image marker)");
        }
        if (structure.components() == 4) {
            return Optional.empty();
        }
        return Optional.of(codec.thumbnail(jpeg, structure, plan, spec.format()));
    }

    private static SourceFormat sniff(byte[] body) {
        if (body.length == 0) {
            throw new ImageRejectedException(Reason.EMPTY, "the body is empty; send the image bytes");
        }
        byte[] head = Arrays.copyOf(body, Math.min(body.length, SourceFormat.MAGIC_LENGTH));
        // The media type was one we take, so the request is well-formed; its content is what cannot be processed.
        return SourceFormat.sniff(head).orElseThrow(() -> new ImageRejectedException(Reason.CORRUPT,
                "the body is not a PNG, JPEG, GIF or BMP image (no known signature)"));
    }

    private BufferedImage decode(InputStream in, SourceFormat format, ThumbnailSpec spec) throws IOException {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.imageIoName());
        if (!readers.hasNext()) {
            throw new IllegalStateException("no ImageIO reader for " + format + " on the class path");
        }
        ImageReader reader = readers.next();
        TruncationListener truncation = new TruncationListener();
        try (ImageInputStream stream = new MemoryCacheImageInputStream(in)) {
            reader.setInput(stream, true, true);
            reader.addIIOReadWarningListener(truncation);
            // Header only: every reader here answers these from the file header without touching pixel data.
            int width = reader.getWidth(0);
            int height = reader.getHeight(0);
            checkPixels("source image", width, height);
            boolean partial = format.partialReadsDetectTruncation();
            ThumbnailPlan plan = ThumbnailPlan.of(width, height, spec, subsample && partial);
            checkPixels("thumbnail", plan.outputWidth(), plan.outputHeight());
            BufferedImage image;
            if (partial) {
                ImageReadParam param = reader.getDefaultReadParam();
                param.setSourceRegion(plan.region());
                param.setSourceSubsampling(plan.subsampleX(), plan.subsampleY(), 0, 0);
                image = reader.read(0, param);
            } else {
                Rectangle region = plan.region();
                image = reader.read(0).getSubimage(region.x, region.y, region.width, region.height);
            }
            if (truncation.truncated()) {
                throw new ImageRejectedException(Reason.CORRUPT, "image data is truncated");
            }
            return Resampler.resize(image, plan.outputWidth(), plan.outputHeight(), spec.format() == OutputFormat.PNG);
        } finally {
            reader.dispose();
        }
    }

    private void checkPixels(String what, int width, int height) {
        if (width < 1 || height < 1) {
            throw new ImageRejectedException(Reason.CORRUPT, what + " declares an empty size " + width + "x" + height);
        }
        if ((long) width * height > limits.maxPixels()) {
            throw new ImageRejectedException(Reason.TOO_MANY_PIXELS, String.format(Locale.ROOT,
                    "%s is %dx%d = %d pixels, the limit is %d", what, width, height, (long) width * height,
                    limits.maxPixels()));
        }
    }

    private static Thumbnail encode(BufferedImage image, ThumbnailSpec spec) throws IOException {
        OutputFormat format = spec.format();
        ImageWriter writer = ImageIO.getImageWritersByFormatName(format.imageIoName()).next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            if (format == OutputFormat.JPEG) {
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionQuality(JPEG_QUALITY);
            }
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return new Thumbnail(bytes.toByteArray(), format.contentType(), image.getWidth(), image.getHeight());
    }
}
