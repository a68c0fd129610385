package io.keel.store.images;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;

/** Builds test inputs in memory with ImageIO (for the library and the HTTP tests); no binary fixtures. */
public final class TestImages {
    private TestImages() {}

    /** A colourful 400x300 picture with a disc, so crops and scales have something to show. */
    public static BufferedImage picture(int width, int height, int type) {
        BufferedImage image = new BufferedImage(width, height, type);
        Graphics2D g = image.createGraphics();
        for (int x = 0; x < width; x++) {
            g.setColor(new Color(x * 255 / width, 120, 255 - x * 255 / width));
            g.drawLine(x, 0, x, height);
        }
        g.setColor(Color.ORANGE);
        g.fillOval(width / 4, height / 4, width / 2, height / 2);
        g.dispose();
        return image;
    }

    static BufferedImage checkerboard(int size) {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                image.setRGB(x, y, (x + y) % 2 == 0 ? 0x000000 : 0xFFFFFF);
            }
        }
        return image;
    }

    /** Grey level rises left to right from 0 to 255. */
    static BufferedImage horizontalGradient(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int v = x * 255 / (width - 1);
                image.setRGB(x, y, v << 16 | v << 8 | v);
            }
        }
        return image;
    }

    public static byte[] encode(BufferedImage image, String format) {
        BufferedImage source = image;
        if (format.equals("gif")) {
            source = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_BYTE_INDEXED);
            source.getGraphics().drawImage(image, 0, 0, null);
        } else if (!format.equals("png") && image.getColorModel().hasAlpha()) {
            throw new IllegalArgumentException(format + " test images must be opaque");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(source, format, out)) {
                throw new IllegalStateException("no writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static BufferedImage decode(byte[] bytes) {
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
            if (image == null) {
                throw new AssertionError("not an image ImageIO can read (" + bytes.length + " bytes)");
            }
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A PNG signature and a valid IHDR declaring {@code width} x {@code height} RGBA, nothing decodable after. */
    public static byte[] pngHeader(int width, int height) {
        ByteBuffer ihdr = ByteBuffer.allocate(17);
        ihdr.put("IHDR".getBytes(StandardCharsets.US_ASCII)).putInt(width).putInt(height);
        ihdr.put((byte) 8).put((byte) 6).put((byte) 0).put((byte) 0).put((byte) 0);
        CRC32 crc = new CRC32();
        crc.update(ihdr.array());
        ByteBuffer png = ByteBuffer.allocate(8 + 4 + 17 + 4);
        png.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        png.putInt(13).put(ihdr.array()).putInt((int) crc.getValue());
        return png.array();
    }

    /** A real JPEG whose SOF0 marker is patched to declare {@code width} x {@code height}. */
    static byte[] jpegDeclaring(int width, int height) {
        byte[] jpeg = encode(picture(64, 48, BufferedImage.TYPE_INT_RGB), "jpeg");
        for (int i = 0; i + 8 < jpeg.length; i++) {
            if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == 0xC0) {
                ByteBuffer.wrap(jpeg, i + 5, 4).putShort((short) height).putShort((short) width);
                return jpeg;
            }
        }
        throw new IllegalStateException("no SOF0 marker in the test JPEG");
    }

    static int grey(int rgb) {
        return ((rgb >> 16 & 0xFF) + (rgb >> 8 & 0xFF) + (rgb & 0xFF)) / 3;
    }

    /** The ImageIO path for every format, as on a machine where OpenCV's native library cannot load. */
    static Thumbnailer imageIoOnly(boolean subsample) {
        return imageIoOnly(ImageLimits.defaults(), subsample);
    }

    static Thumbnailer imageIoOnly(ImageLimits limits, boolean subsample) {
        return new ImageIoThumbnailer(limits, subsample, () -> {
            throw new UnsatisfiedLinkError("no OpenCV in this test");
        });
    }

    /** Mean absolute difference of the grey levels of two images of the same size, 0..255. */
    static double meanGreyDifference(BufferedImage a, BufferedImage b) {
        long total = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                total += Math.abs(grey(a.getRGB(x, y)) - grey(b.getRGB(x, y)));
            }
        }
        return (double) total / (a.getWidth() * a.getHeight());
    }
}
