package dev.relay.task.agent;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import org.jboss.logging.Logger;

/** The agent runtime of this service: the configured model provider, or the simulated agent when none is. */
public class AgentRuntimes {

    private static final Logger LOG = Logger.getLogger(AgentRuntimes.class);

    @Produces
    @ApplicationScoped
    AgentRuntime agentRuntime(LlmConfig llm, RuntimeConfig runtime) {
        if (llm.baseUrl().isPresent()) {
            LOG.infof("runs are worked by the model provider at %s (default model %s)", llm.baseUrl().get(), llm.defaultModel());
            return new OpenAiCompatibleAgent(llm);
        }
        LOG.info("runs are worked by the simulated agent (no relay.llm.base-url)");
        return new SimulatedAgent(runtime.chunkDelay());
    }
}
