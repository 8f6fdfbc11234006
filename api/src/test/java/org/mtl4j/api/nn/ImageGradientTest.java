package org.mtl4j.api.nn;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.mtl4j.api.testing.ImageGradientChecks;
import org.mtl4j.api.testing.ReferenceBackend;

/** The image gradient checks in double precision, where the tolerance is 1e-6 relative. */
class ImageGradientTest {
  private static final ReferenceBackend BACKEND =
      new ReferenceBackend(ReferenceBackend.Precision.DOUBLE);

  @AfterAll
  static void close() {
    BACKEND.close();
  }

  @TestFactory
  List<DynamicTest> imageGradientsInDouble() {
    return new ImageGradientChecks(BACKEND).tests();
  }
}
