package dev.polity.policy.engine;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** CDI wiring for the engine, which itself stays free of Quarkus so it can be unit-tested and benchmarked plainly. */
public class EngineProducers {

    @Produces
    @ApplicationScoped
    CelEnvironment celEnvironment() {
        return new CelEnvironment();
    }

    @Produces
    @ApplicationScoped
    BundleCompiler bundleCompiler(CelEnvironment environment) {
        return new BundleCompiler(environment);
    }

    @Produces
    @ApplicationScoped
    PolicyEvaluator policyEvaluator() {
        return new PolicyEvaluator();
    }
}
