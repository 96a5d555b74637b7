package io.shoal.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Shoal's package boundaries, as rules that fail the build (see docs/architecture.md):
 * <ul>
 *   <li>no dependency cycles between capabilities ({@code io.shoal.<capability>..});</li>
 *   <li>only web adapters (classes named {@code *Api}, with their nested classes) and the wiring
 *       in {@code io.shoal} use {@code io.shoal.http}; domain code reaches only {@code io.shoal.kernel}.</li>
 * </ul>
 * Table ownership (SQL only in the owner's package) is {@link TableOwnershipTest}.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ArchitectureTest {

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .withImportOption(location -> !location.contains("/io/shoal/client/")) // the generated API client
        .importPackages("io.shoal");
  }

  @Test
  void capabilitiesHaveNoCycles() {
    slices().matching("io.shoal.(*)..").namingSlices("$1")
        .should().beFreeOfCycles()
        .check(classes);
  }

  @Test
  void onlyWebAdaptersUseHttp() {
    noClasses().that().resideOutsideOfPackages("io.shoal", "io.shoal.http..")
        .and(DescribedPredicate.not(WEB_ADAPTER))
        .should().dependOnClassesThat().resideInAPackage("io.shoal.http..")
        .because("domain code reaches only io.shoal.kernel; http is the web layer that renders it")
        .check(classes);
  }

  @Test
  void kernelDependsOnNoCapability() {
    noClasses().that().resideInAPackage("io.shoal.kernel..")
        .should().dependOnClassesThat().resideInAPackage("io.shoal..")
        .andShould().dependOnClassesThat().resideOutsideOfPackages("io.shoal.kernel..", "java..", "io.vertx..")
        .check(classes);
  }

  /** A class named {@code *Api}, or nested in one: an HTTP adapter of its capability. */
  static final DescribedPredicate<JavaClass> WEB_ADAPTER = new DescribedPredicate<>("a web adapter (*Api)") {
    @Override
    public boolean test(JavaClass c) {
      JavaClass top = c;
      while (top.getEnclosingClass().isPresent()) {
        top = top.getEnclosingClass().get();
      }
      return top.getSimpleName().endsWith("Api");
    }
  };
}
