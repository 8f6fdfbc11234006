package org.mtl4j.trainer.data;

import java.nio.file.Path;

/**
 * The raw Fashion-MNIST images and labels (Xiao, Rasul and Vollgraf, "Fashion-MNIST: a Novel Image
 * Dataset for Benchmarking Machine Learning Algorithms", 2017): 60000 training and 10000 test 28x28
 * grey images of 10 clothing categories.
 */
public record FashionMnist(
    IdxReader.Images trainImages,
    byte[] trainLabels,
    IdxReader.Images testImages,
    byte[] testLabels) {

  public static final int CLASSES = 10;

  /** Reads the four files of a folder, checking that images and labels agree. */
  public static FashionMnist read(Path dir) {
    IdxReader.Images ti = IdxReader.readImages(dir.resolve(FashionMnistFiles.TRAIN_IMAGES));
    byte[] tl = IdxReader.readLabels(dir.resolve(FashionMnistFiles.TRAIN_LABELS), CLASSES);
    IdxReader.Images si = IdxReader.readImages(dir.resolve(FashionMnistFiles.TEST_IMAGES));
    byte[] sl = IdxReader.readLabels(dir.resolve(FashionMnistFiles.TEST_LABELS), CLASSES);
    check(ti, tl, dir.resolve(FashionMnistFiles.TRAIN_LABELS));
    check(si, sl, dir.resolve(FashionMnistFiles.TEST_LABELS));
    return new FashionMnist(ti, tl, si, sl);
  }

  private static void check(IdxReader.Images images, byte[] labels, Path labelFile) {
    if (images.count() != labels.length) {
      throw new DataException(
          labelFile + ": " + labels.length + " labels for " + images.count() + " images");
    }
    if (images.rows() != 28 || images.cols() != 28) {
      throw new DataException(
          labelFile.getParent()
              + ": images are "
              + images.rows()
              + "x"
              + images.cols()
              + ", expected 28x28");
    }
  }
}
