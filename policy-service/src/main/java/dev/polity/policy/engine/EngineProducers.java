package dev.polity.policy.engine;

import jakarta.inject.Singleton;
import jakarta.enterprise.inject.Produces;

/**
 * CDI wiring for the engine, which itself stays free of Quarkus so it can be unit-tested and benchmarked plainly.
 * Singletons: the evaluator is called on every decision, and a client proxy would look up its context on each call.
 */
public class EngineProducers {

    @Produces
    @Singleton
    CelEnvironment celEnvironment() {
        return new CelEnvironment();
    }

    @Produces
    @Singleton
    BundleCompiler bundleCompiler(CelEnvironment environment) {
        return new BundleCompiler(environment);
    }

    @Produces
    @Singleton
    PolicyEvaluator policyEvaluator() {
        return new PolicyEvaluator();
    }
}
