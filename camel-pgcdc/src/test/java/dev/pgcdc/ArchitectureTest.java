package dev.pgcdc;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * camel-pgcdc's packages depend one way (src/ARCHITECTURE.md, "Packages of camel-pgcdc"): the base (names, catalog,
 * slot, connections, options, filters, the change model, periodic tasks) ← decode ← setup ← stream ← snapshot, with
 * ack, outbox and cluster beside them, ← the Camel surface {@code dev.pgcdc}, which nothing reaches into.
 */
@AnalyzeClasses(packages = "dev.pgcdc", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule layers = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("Base").definedBy("dev.pgcdc.pg..", "dev.pgcdc.connect..", "dev.pgcdc.option..",
                    "dev.pgcdc.filter..", "dev.pgcdc.event..", "dev.pgcdc.task..")
            .layer("Decode").definedBy("dev.pgcdc.decode..")
            .layer("Setup").definedBy("dev.pgcdc.setup..")
            .layer("Ack").definedBy("dev.pgcdc.ack..")
            .layer("Stream").definedBy("dev.pgcdc.stream..")
            .layer("Snapshot").definedBy("dev.pgcdc.snapshot..")
            .layer("Outbox").definedBy("dev.pgcdc.outbox..")
            .layer("Cluster").definedBy("dev.pgcdc.cluster..")
            .layer("Camel").definedBy("dev.pgcdc")
            .whereLayer("Camel").mayNotBeAccessedByAnyLayer()
            .whereLayer("Cluster").mayNotBeAccessedByAnyLayer()
            .whereLayer("Outbox").mayOnlyBeAccessedByLayers("Camel")
            .whereLayer("Snapshot").mayOnlyBeAccessedByLayers("Camel")
            .whereLayer("Stream").mayOnlyBeAccessedByLayers("Snapshot", "Camel")
            .whereLayer("Ack").mayOnlyBeAccessedByLayers("Stream", "Camel")
            .whereLayer("Setup").mayOnlyBeAccessedByLayers("Stream", "Snapshot", "Camel")
            .whereLayer("Decode").mayOnlyBeAccessedByLayers("Stream", "Snapshot", "Camel");

    /** The public change model stands alone: the sink and users depend on it and nothing behind it. */
    @ArchTest
    static final ArchRule changeModelStandsAlone = noClasses().that().resideInAPackage("dev.pgcdc.event..")
            .should().dependOnClassesThat(resideInAPackage("dev.pgcdc..").and(not(resideInAPackage("dev.pgcdc.event.."))))
            .as("dev.pgcdc.event depends on no other pgcdc package");

    /** Every layer runs its periodic tasks through task: it stands alone. */
    @ArchTest
    static final ArchRule periodicTasksStandAlone = noClasses().that().resideInAPackage("dev.pgcdc.task..")
            .should().dependOnClassesThat(resideInAPackage("dev.pgcdc..").and(not(resideInAPackage("dev.pgcdc.task.."))))
            .as("dev.pgcdc.task depends on no other pgcdc package");

    /** Within the base: the catalog and the slot open connections, filters read names; option is read by all. */
    @ArchTest
    static final ArchRule baseOrder = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("Option").definedBy("dev.pgcdc.option..")
            .layer("Connect").definedBy("dev.pgcdc.connect..")
            .layer("Pg").definedBy("dev.pgcdc.pg..")
            .layer("Filter").definedBy("dev.pgcdc.filter..")
            .whereLayer("Filter").mayNotBeAccessedByAnyLayer()
            .whereLayer("Pg").mayOnlyBeAccessedByLayers("Filter")
            .whereLayer("Connect").mayOnlyBeAccessedByLayers("Pg", "Filter");

    /** Within decode: the protocols → what they share → value conversion. */
    @ArchTest
    static final ArchRule decodeOrder = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("Protocols").definedBy("dev.pgcdc.decode.pgoutput..", "dev.pgcdc.decode.wal2json..")
            .layer("Shared").definedBy("dev.pgcdc.decode")
            .layer("Value").definedBy("dev.pgcdc.decode.value..")
            .whereLayer("Protocols").mayNotBeAccessedByAnyLayer()
            .whereLayer("Shared").mayOnlyBeAccessedByLayers("Protocols")
            .whereLayer("Value").mayOnlyBeAccessedByLayers("Protocols", "Shared");

    @ArchTest
    static final ArchRule noCycles = slices().matching("dev.pgcdc.(*)..").should().beFreeOfCycles();
}
