package dev.pgcdc.sink;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The sink needs of camel-pgcdc only the change model and the base package (src/ARCHITECTURE.md): never the consumer,
 * its endpoint, its message, or the stream behind them.
 */
@AnalyzeClasses(packages = "dev.pgcdc.sink", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule onlyModelAndBase = noClasses().that().resideInAPackage("dev.pgcdc.sink..")
            .should().dependOnClassesThat(resideInAPackage("dev.pgcdc..").and(not(resideInAnyPackage(
                    "dev.pgcdc.sink..",
                    "dev.pgcdc.event..",    // the changes it applies
                    "dev.pgcdc.pg..",       // names, quoting and the source tables' shapes
                    "dev.pgcdc.connect..",  // Secrets: the target's password file
                    "dev.pgcdc.option.."))))  // OptionValues: its URI enum values, read as the consumer's are
            .as("dev.pgcdc.sink depends only on event, pg, connect and option of camel-pgcdc");
}
