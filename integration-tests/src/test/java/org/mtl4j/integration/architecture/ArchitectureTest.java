package org.mtl4j.integration.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.name;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.lang.ArchRule;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module rules of DESIGN.md, checked over the production classes of every module on the
 * integration-tests class path (test classes and the api test-jar are excluded).
 */
class ArchitectureTest {
  static final String API = "org.mtl4j.api..";
  static final String CPU = "org.mtl4j.backend.cpu..";
  static final String CUDA = "org.mtl4j.backend.cuda..";
  static final String STRATEGIES = "org.mtl4j.strategies..";
  static final String WEIGHTING = "org.mtl4j.weighting..";
  static final String TRAINER = "org.mtl4j.trainer..";
  static final String SPARK = "org.mtl4j.spark..";

  static JavaClasses production;

  /** Excludes test classes and test-jars (the api conformance kit depends on JUnit). */
  static final class ProductionOnly implements ImportOption {
    @Override
    public boolean includes(Location location) {
      return !location.contains("/test-classes/")
          && !location.contains("-tests.jar")
          && !location.contains("/integration-tests/");
    }
  }

  @BeforeAll
  static void importClasses() {
    production =
        new ClassFileImporter().withImportOption(new ProductionOnly()).importPackages("org.mtl4j");
  }

  @Test
  void everyModuleIsImported() {
    for (String pkg :
        List.of(
            "org.mtl4j.api",
            "org.mtl4j.backend.cpu",
            "org.mtl4j.backend.cuda",
            "org.mtl4j.strategies",
            "org.mtl4j.weighting",
            "org.mtl4j.trainer",
            "org.mtl4j.spark")) {
      assertTrue(
          production.stream().anyMatch(c -> c.getPackageName().startsWith(pkg)),
          "no production classes found in " + pkg + ": the rules below would pass vacuously");
    }
  }

  @Test
  void apiDependsOnTheJdkOnly() {
    ArchRule rule =
        classes()
            .that()
            .resideInAPackage(API)
            .should()
            .onlyDependOnClassesThat()
            .resideInAnyPackage(API, "java..")
            .because(
                "api is the language every module speaks and imports no other module or library");
    rule.check(production);
  }

  @Test
  void cpuBackendUsesApiAndNd4jOnly() {
    classes()
        .that()
        .resideInAPackage(CPU)
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(CPU, API, "java..", "org.nd4j..", "org.bytedeco..")
        .check(production);
  }

  @Test
  void cudaBackendUsesApiAndJcudaOnly() {
    classes()
        .that()
        .resideInAPackage(CUDA)
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(CUDA, API, "java..", "jcuda..")
        .check(production);
  }

  @Test
  void pluginsUseApiOnly() {
    classes()
        .that()
        .resideInAnyPackage(STRATEGIES, WEIGHTING)
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(STRATEGIES, WEIGHTING, API, "java..")
        .check(production);
  }

  @Test
  void onlyTheTrainerKnowsGuiceJacksonAndPicocli() {
    noClasses()
        .that()
        .resideOutsideOfPackages(TRAINER, "org.mtl4j.spark..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("com.google.inject..", "com.fasterxml.jackson..", "picocli..")
        .check(production);
  }

  @Test
  void nothingButTheEdgesDependsOnTheTrainer() {
    noClasses()
        .that()
        .resideOutsideOfPackages(TRAINER, "org.mtl4j.benchmarks..", "org.mtl4j.spark..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage(TRAINER)
        .check(production);
  }

  @Test
  void implementationPackagesAreNotUsedAcrossModules() {
    noClasses()
        .that()
        .resideOutsideOfPackage(CPU)
        .should()
        .dependOnClassesThat()
        .resideInAPackage(CPU)
        .check(production);
    noClasses()
        .that()
        .resideOutsideOfPackage(CUDA)
        .should()
        .dependOnClassesThat()
        .resideInAPackage(CUDA)
        .check(production);
    noClasses()
        .that()
        .resideOutsideOfPackages(STRATEGIES, WEIGHTING)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(STRATEGIES, WEIGHTING)
        .check(production);
  }

  @Test
  void sparkRunsTheTrainerAndNothingDependsOnSpark() {
    classes()
        .that()
        .resideInAPackage(SPARK)
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(SPARK, TRAINER, API, "java..", "org.apache.spark..", "scala..")
        .because("the Spark runner reuses the trainer's config, data and step, and adds only Spark")
        .check(production);
    noClasses()
        .that()
        .resideOutsideOfPackage(SPARK)
        .should()
        .dependOnClassesThat()
        .resideInAPackage(SPARK)
        .because("the trainer finds Spark through the DistributedTraining service, never by name")
        .check(production);
  }

  @Test
  void onlyTheTrainingStepCallsAWeightingMethodsBackward() {
    String weighting = "org.mtl4j.api.weighting.TaskWeighting";
    noClasses()
        .that()
        .doNotHaveFullyQualifiedName("org.mtl4j.trainer.training.TrainingStep")
        .and()
        .areNotAssignableTo(weighting)
        .should()
        .callMethodWhere(target(name("backward")).and(target(owner(assignableTo(weighting)))))
        .because(
            "one training step (TrainingStep) serves the local loop, both Spark modes and the"
                + " benchmarks; a second caller would be a second copy of the step")
        .check(production);
  }

  @Test
  void onlyTheTrainingStepClipsAndOnlyTrainingStateWritesRunState() {
    noClasses()
        .that()
        .doNotHaveFullyQualifiedName("org.mtl4j.trainer.training.TrainingStep")
        .should()
        .callMethodWhere(
            target(name("clip"))
                .and(target(owner(assignableTo("org.mtl4j.trainer.training.GradientClipping")))))
        .because("clipping is part of the one training step")
        .check(production);
    noClasses()
        .that()
        .doNotHaveFullyQualifiedName("org.mtl4j.trainer.training.TrainingState")
        .and()
        .resideOutsideOfPackage("org.mtl4j.trainer.checkpoint..")
        .should()
        .callConstructorWhere(
            target(owner(assignableTo("org.mtl4j.trainer.checkpoint.Checkpoint"))))
        .because("one snapshot of a run's state serves local and Spark training")
        .check(production);
  }

  @Test
  void sparkShardsNeitherParseConfigNorBuildInjectors() {
    noClasses()
        .that()
        .haveFullyQualifiedName("org.mtl4j.spark.ShardState")
        .or()
        .haveFullyQualifiedName("org.mtl4j.spark.ShardTasks")
        .or()
        .haveFullyQualifiedName("org.mtl4j.spark.ShardCache")
        .should()
        .dependOnClassesThat()
        .haveFullyQualifiedName("org.mtl4j.trainer.Mtl4j")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("org.mtl4j.trainer.config.ConfigReader")
        .orShould()
        .dependOnClassesThat()
        .resideInAPackage("com.google.inject..")
        .because("shards receive the typed config the driver parsed once (RunSpec)")
        .check(production);
  }

  @Test
  void backendsCheckTheirArgumentsThroughOpChecks() {
    String shapeChecks = "org.mtl4j.api.backend.ShapeChecks";
    noClasses()
        .that()
        .resideInAPackage("org.mtl4j.backend..")
        .or()
        .areAssignableTo("org.mtl4j.api.backend.ComputeBackend")
        .should()
        .callMethodWhere(
            target(owner(assignableTo(shapeChecks)))
                .and(not(target(name("index"))))
                .and(not(target(name("error")))))
        .orShould()
        .callMethodWhere(target(owner(assignableTo("org.mtl4j.api.backend.ImageShapeChecks"))))
        .because(
            "OpChecks holds one check per operation with one message for every backend; a"
                + " backend reads the index values it checks (ShapeChecks.index) and may report a"
                + " device limit (ShapeChecks.error), nothing else")
        .check(production);
  }

  @Test
  void noPackageCycles() {
    slices().matching("org.mtl4j.(**)").should().beFreeOfCycles().check(production);
  }

  @Test
  void providersArePublicConcreteClassesWithANoArgumentConstructor() {
    for (JavaClass c : production) {
      boolean provider =
          c.getAllRawInterfaces().stream()
              .anyMatch(i -> ServiceFilesTest.SERVICES.contains(i.getName()));
      if (!provider || c.isInterface() || c.getModifiers().contains(JavaModifier.ABSTRACT)) {
        continue;
      }
      assertTrue(c.getModifiers().contains(JavaModifier.PUBLIC), c.getName() + " is not public");
      assertFalse(
          c.getConstructors().stream().noneMatch(k -> k.getRawParameterTypes().isEmpty()),
          c.getName() + " has no no-argument constructor for ServiceLoader");
    }
  }
}
