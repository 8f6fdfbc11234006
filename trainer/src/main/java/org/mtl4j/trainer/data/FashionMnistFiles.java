package org.mtl4j.trainer.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Finds the four Fashion-MNIST files (Xiao, Rasul and Vollgraf, 2017): in the configured directory,
 * else {@code $MTL4J_DATA} (or its {@code fashion-mnist} sub-folder), else Debian's {@code
 * /usr/share/datasets/fashion-mnist}, else the cache; when none has them and downloads are allowed,
 * fills the cache from the official mirror. Downloads are verified by the SHA-256 of their
 * decompressed content (the IDX bytes), which does not change when a distribution recompresses the
 * files.
 */
public final class FashionMnistFiles {
  public static final String OFFICIAL_MIRROR =
      "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/";
  public static final String TRAIN_IMAGES = "train-images-idx3-ubyte.gz";
  public static final String TRAIN_LABELS = "train-labels-idx1-ubyte.gz";
  public static final String TEST_IMAGES = "t10k-images-idx3-ubyte.gz";
  public static final String TEST_LABELS = "t10k-labels-idx1-ubyte.gz";
  public static final List<String> FILES =
      List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS);

  /** SHA-256 of each official file's decompressed IDX content. */
  public static final Map<String, String> OFFICIAL_SHA256 =
      Map.of(
          TRAIN_IMAGES, "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
          TRAIN_LABELS, "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
          TEST_IMAGES, "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
          TEST_LABELS, "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34");

  public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");

  private final Function<String, String> env;
  private final Path debianDir;
  private final Path cacheDir;
  private final Map<String, String> sha256;
  private final Downloader downloader;

  /**
   * @param env environment lookup (for {@code MTL4J_DATA})
   * @param debianDir the system data folder
   * @param cacheDir where downloads go
   * @param sha256 expected digests by file name
   */
  public FashionMnistFiles(
      Function<String, String> env,
      Path debianDir,
      Path cacheDir,
      Map<String, String> sha256,
      Downloader downloader) {
    this.env = env;
    this.debianDir = debianDir;
    this.cacheDir = cacheDir;
    this.sha256 = Map.copyOf(sha256);
    this.downloader = downloader;
  }

  /** The standard locations: real environment, Debian folder, {@code ~/.cache/mtl4j}. */
  public static FashionMnistFiles standard() {
    String cache = System.getenv("MTL4J_CACHE");
    Path dir =
        cache != null && !cache.isBlank()
            ? Path.of(cache)
            : Path.of(System.getProperty("user.home"), ".cache", "mtl4j");
    return new FashionMnistFiles(
        System::getenv,
        DEBIAN_DIR,
        dir.resolve("fashion-mnist"),
        OFFICIAL_SHA256,
        new Downloader());
  }

  /**
   * The folder holding all four files.
   *
   * @param configured the {@code dir} option, or blank
   * @param download whether a download may fill the cache
   * @param mirror base URL to download from
   */
  public Path locate(String configured, boolean download, String mirror) {
    if (configured != null && !configured.isBlank()) {
      Path dir = Path.of(configured);
      List<String> missing = missing(dir);
      if (!missing.isEmpty()) {
        throw new DataException(
            "data.options.dir: " + dir + " lacks " + String.join(", ", missing));
      }
      return dir;
    }
    List<Path> tried = new ArrayList<>();
    String data = env.apply("MTL4J_DATA");
    if (data != null && !data.isBlank()) {
      tried.add(Path.of(data, "fashion-mnist"));
      tried.add(Path.of(data));
    }
    tried.add(debianDir);
    tried.add(cacheDir);
    for (Path p : tried) {
      if (missing(p).isEmpty()) {
        return p;
      }
    }
    if (!download) {
      throw new DataException(
          "Fashion-MNIST files not found in " + tried + " and data.options.download is false");
    }
    for (String f : missing(cacheDir)) {
      String url = mirror.endsWith("/") ? mirror + f : mirror + "/" + f;
      downloader.download(url, cacheDir.resolve(f), (tmp, u) -> verify(tmp, f, u));
    }
    return cacheDir;
  }

  private void verify(Path tmp, String file, String url) {
    String expected = sha256.get(file);
    String actual;
    try {
      actual = Sha256.ofGunzipped(tmp);
    } catch (IOException e) {
      throw new DataException(
          url + ": downloaded file is not a valid gzip file: " + e.getMessage(), e);
    }
    if (!actual.equals(expected)) {
      throw new DataException(
          url
              + ": SHA-256 of the content is "
              + actual
              + ", expected "
              + expected
              + "; the download is corrupt or not the official file");
    }
  }

  private static List<String> missing(Path dir) {
    List<String> out = new ArrayList<>();
    for (String f : FILES) {
      if (!Files.isRegularFile(dir.resolve(f))) {
        out.add(f);
      }
    }
    return out;
  }
}
