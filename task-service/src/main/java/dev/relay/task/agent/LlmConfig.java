package dev.relay.task.agent;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The model provider that works tasks: any OpenAI-compatible endpoint (OpenAI, vLLM, Ollama, llama.cpp's server,
 * LiteLLM). Without a base URL every run is worked by the simulated agent.
 */
@ConfigMapping(prefix = "relay.llm")
public interface LlmConfig {

    /** The endpoint's base URL, e.g. {@code https://api.openai.com/v1} or {@code http://ollama:11434/v1} (RELAY_LLM_BASE_URL). */
    Optional<String> baseUrl();

    /** The API key (RELAY_LLM_API_KEY, from a secret); never logged. Local servers often need none. */
    Optional<String> apiKey();

    /** Provider model per model name a task may ask for ({@code relay.llm.models."sonnet-4.6"=gpt-4.1}). */
    Map<String, String> models();

    /** The provider model for names the map lacks, and for {@code auto} in modes {@link #auto()} does not name. */
    @WithDefault("gpt-4.1-mini")
    String defaultModel();

    /** What {@code auto} resolves to per mode ({@code relay.llm.auto.chat=gpt-4.1-nano}: a small model for chat). */
    Map<String, String> auto();

    /** How long one model call may take, streaming included. */
    @WithDefault("120s")
    Duration timeout();

    /**
     * The most output tokens one model call may produce (its {@code max_tokens}); less when a budget or the run's
     * {@code max_tokens} leaves less. A call reserves its budget for this much output: a value far above what
     * answers need holds budget other runs could use.
     */
    @WithDefault("4096")
    int maxOutputTokens();

    /** How often a call the provider refused before answering (429, 5xx, unreachable) is tried again. */
    @WithDefault("3")
    int retries();

    /** The first pause before trying again; it doubles each time. */
    @WithDefault("1s")
    Duration retryBackoff();

    /**
     * Further OpenAI-compatible providers by name ({@code relay.llm.providers."backup".base-url}), for
     * {@link #fallbacks()}; the one of {@link #baseUrl()} is {@value ProviderCalls#DEFAULT_PROVIDER}.
     */
    Map<String, Provider> providers();

    /**
     * Per mode, where a call goes when its model's provider refuses it before its first token (429, 5xx, overloaded,
     * unreachable) after its retries: an ordered list of {@code provider/model} or {@code model} (the default
     * provider), e.g. {@code relay.llm.fallbacks.agent=backup/gpt-4.1-mini,gpt-4.1-nano}. Never mid-stream.
     */
    Map<String, List<String>> fallbacks();

    interface Provider {
        /** The provider's base URL. */
        String baseUrl();

        /** Its API key (from a secret). */
        Optional<String> apiKey();
    }
}
