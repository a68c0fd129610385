import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import javax.imageio.ImageIO;

/**
 * Puts images next to each other, each enlarged by an integer factor with nearest-neighbour sampling (so every pixel
 * the encoders wrote stays visible), with a caption above each ({@code |} starts a new line). Run with the JDK's source launcher:
 * {@code java docs/images/SideBySide.java OUT.png ZOOM "caption=image" ...}.
 */
public class SideBySide {
    public static void main(String[] args) throws IOException {
        int zoom = Integer.parseInt(args[1]);
        int count = args.length - 2;
        BufferedImage[] images = new BufferedImage[count];
        String[] captions = new String[count];
        int width = 0;
        int height = 0;
        for (int i = 0; i < count; i++) {
            String[] pair = args[i + 2].split("=", 2);
            captions[i] = pair[0];
            images[i] = ImageIO.read(new File(pair[1]));
            width += images[i].getWidth() * zoom + 20;
            height = Math.max(height, images[i].getHeight() * zoom);
        }
        BufferedImage out = new BufferedImage(width + 20, height + 75, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 16));
        int x = 20;
        for (int i = 0; i < count; i++) {
            g.setColor(Color.BLACK);
            String[] lines = captions[i].split("\\|");
            for (int line = 0; line < lines.length; line++) {
                g.drawString(lines[line], x, 22 + 18 * line);
            }
            g.drawImage(images[i], x, 60, images[i].getWidth() * zoom, images[i].getHeight() * zoom, null);
            x += images[i].getWidth() * zoom + 20;
        }
        g.dispose();
        ImageIO.write(out, "png", new File(args[0]));
    }
}
