package dev.switchboard.testsupport;

/**
 * Upstream bytes copied from {@code shared/reference/providers.md}: field names, nesting, casing, spacing
 * and framing as the reference records them. Each SSE event ends with its blank line.
 */
public final class Wire {

    private Wire() {
    }

    // --- OpenAI (section 1.4, openai-dotnet fixture completed in the same shape) -----------------------

    public static final String OPENAI_ROLE = "data: {\"id\":\"chatcmpl-ADxFKtX6xIwdWRN42QvBj2u1RZpCK\",\"object\":\"chat.completion.chunk\",\"created\":1727889370,\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_f85bea6784\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n";
    public static final String OPENAI_FINISH = "data: {\"id\":\"chatcmpl-ADxFKtX6xIwdWRN42QvBj2u1RZpCK\",\"object\":\"chat.completion.chunk\",\"created\":1727889370,\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_f85bea6784\",\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":null}\n\n";
    public static final String OPENAI_USAGE = "data: {\"id\":\"chatcmpl-ADxFKtX6xIwdWRN42QvBj2u1RZpCK\",\"object\":\"chat.completion.chunk\",\"created\":1727889370,\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_f85bea6784\",\"choices\":[],\"usage\":{\"prompt_tokens\":8,\"completion_tokens\":2,\"total_tokens\":10,\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0,\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}}}\n\n";
    public static final String DONE = "data: [DONE]\n\n";

    /** One content chunk in the fixture's shape; {@code text} must be JSON-safe. */
    public static String openAiText(String text) {
        return "data: {\"id\":\"chatcmpl-ADxFKtX6xIwdWRN42QvBj2u1RZpCK\",\"object\":\"chat.completion.chunk\",\"created\":1727889370,\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_f85bea6784\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + text + "\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n";
    }

    /** The whole happy stream of section 1.4: role chunk, "Hello", "!", finish, usage chunk, [DONE]. */
    public static final String OPENAI_HAPPY = OPENAI_ROLE + openAiText("Hello") + openAiText("!") + OPENAI_FINISH
            + OPENAI_USAGE + DONE;

    public static final String OPENAI_429_RATE_LIMIT = "{\"error\":{\"message\":\"Rate limit reached for gpt-4o-mini in organization org-abc on tokens per min (TPM): Limit 200000, Used 195869, Requested 4412. Please try again in 84ms. Visit https://platform.openai.com/account/rate-limits to learn more.\",\"type\":\"tokens\",\"param\":null,\"code\":\"rate_limit_exceeded\"}}";
    public static final String OPENAI_429_QUOTA = "{\"error\":{\"message\":\"You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.\",\"type\":\"insufficient_quota\",\"param\":null,\"code\":\"insufficient_quota\"}}";
    public static final String OPENAI_401 = "{\"error\":{\"message\":\"Incorrect API key provided: sk-proj-****wxyz. You can find your API key at https://platform.openai.com/account/api-keys.\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"invalid_api_key\"}}";
    public static final String OPENAI_400_CONTEXT = "{\"error\":{\"message\":\"This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens. Please reduce the length of the messages.\",\"type\":\"invalid_request_error\",\"param\":\"messages\",\"code\":\"context_length_exceeded\"}}";
    public static final String XAI_400_BAD_KEY = "{\"code\":\"Client specified an invalid argument\",\"error\":\"Incorrect API key provided: xa***EY. You can obtain an API key from https://console.x.ai.\"}";

    /** Section 1.3: a whole (non-streamed) answer. */
    public static final String OPENAI_ANSWER = "{\"id\":\"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT\",\"object\":\"chat.completion\",\"created\":1741569952,\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hello!\",\"refusal\":null,\"annotations\":[]},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":19,\"completion_tokens\":3,\"total_tokens\":22,\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0,\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}},\"service_tier\":\"default\",\"system_fingerprint\":\"fp_44709d6fcb\"}";

    // --- OpenRouter (section 1.6.1) ---------------------------------------------------------------------

    public static final String OPENROUTER_PROCESSING = ": OPENROUTER PROCESSING\n\n";

    public static String openRouterText(String text) {
        return "data: {\"id\":\"gen-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"z-ai/glm-5.3\",\"provider\":\"Z.AI\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + text + "\"},\"finish_reason\":null}]}\n\n";
    }

    public static final String OPENROUTER_ERROR_CHUNK = "data: {\"id\":\"cmpl-abc123\",\"object\":\"chat.completion.chunk\",\"created\":1234567890,\"model\":\"openai/gpt-4o\",\"provider\":\"openai\",\"error\":{\"code\":\"server_error\",\"message\":\"Provider disconnected unexpectedly\"},\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},\"finish_reason\":\"error\"}]}\n\n";
    public static final String OPENROUTER_ERROR_CHUNK_429 = "data: {\"id\":\"cmpl-abc123\",\"object\":\"chat.completion.chunk\",\"created\":1234567890,\"model\":\"openai/gpt-4o\",\"provider\":\"openai\",\"error\":{\"code\":429,\"message\":\"Rate limit exceeded\"},\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},\"finish_reason\":\"error\"}]}\n\n";

    // --- Groq (section 1.6.2) ---------------------------------------------------------------------------

    public static final String GROQ_FIRST = "data: {\"id\":\"chatcmpl-96c29a0b-2a71-46fd-af4d-62d783cfc693\",\"object\":\"chat.completion.chunk\",\"created\":1722540285,\"model\":\"llama-3.1-70b-versatile\",\"system_fingerprint\":\"fp_b3ae7e594e\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}],\"x_groq\":{\"id\":\"req_01j47pdq9cerqbp0w6bzqwmytq\"}}\n\n";
    public static final String GROQ_TEXT = "data: {\"id\":\"chatcmpl-96c29a0b-2a71-46fd-af4d-62d783cfc693\",\"object\":\"chat.completion.chunk\",\"created\":1722540285,\"model\":\"llama-3.1-70b-versatile\",\"system_fingerprint\":\"fp_b3ae7e594e\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi there\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n";
    public static final String GROQ_FINAL = "data: {\"id\":\"chatcmpl-96c29a0b-2a71-46fd-af4d-62d783cfc693\",\"object\":\"chat.completion.chunk\",\"created\":1722540285,\"model\":\"llama-3.1-70b-versatile\",\"system_fingerprint\":\"fp_b3ae7e594e\",\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"x_groq\":{\"id\":\"req_01j47pdq9cerqbp0w6bzqwmytq\",\"usage\":{\"queue_time\":0.019005437000000007,\"prompt_tokens\":244,\"prompt_time\":0.058400983,\"completion_tokens\":15,\"completion_time\":0.06,\"total_tokens\":259,\"total_time\":0.11840098299999999}}}\n\n";

    // --- Anthropic (section 2.4 docs example, spaced JSON, with a ping) --------------------------------

    public static final String ANTHROPIC_MESSAGE_START = "event: message_start\ndata: {\"type\": \"message_start\", \"message\": {\"id\": \"msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY\", \"type\": \"message\", \"role\": \"assistant\", \"content\": [], \"model\": \"claude-sonnet-4-5-20250929\", \"stop_reason\": null, \"stop_sequence\": null, \"usage\": {\"input_tokens\": 25, \"output_tokens\": 1}}}\n\n";
    public static final String ANTHROPIC_BLOCK_START = "event: content_block_start\ndata: {\"type\": \"content_block_start\", \"index\": 0, \"content_block\": {\"type\": \"text\", \"text\": \"\"}}\n\n";
    public static final String ANTHROPIC_PING = "event: ping\ndata: {\"type\": \"ping\"}\n\n";
    public static final String ANTHROPIC_BLOCK_STOP = "event: content_block_stop\ndata: {\"type\": \"content_block_stop\", \"index\": 0}\n\n";
    public static final String ANTHROPIC_MESSAGE_DELTA = "event: message_delta\ndata: {\"type\": \"message_delta\", \"delta\": {\"stop_reason\": \"end_turn\", \"stop_sequence\":null}, \"usage\": {\"output_tokens\": 15}}\n\n";
    public static final String ANTHROPIC_MESSAGE_STOP = "event: message_stop\ndata: {\"type\": \"message_stop\"}\n\n";
    public static final String ANTHROPIC_OVERLOADED_EVENT = "event: error\ndata: {\"type\": \"error\", \"error\": {\"type\": \"overloaded_error\", \"message\": \"Overloaded\"}}\n\n";

    public static String anthropicText(String text) {
        return "event: content_block_delta\ndata: {\"type\": \"content_block_delta\", \"index\": 0, \"delta\": {\"type\": \"text_delta\", \"text\": \"" + text + "\"}}\n\n";
    }

    public static final String ANTHROPIC_HAPPY = ANTHROPIC_MESSAGE_START + ANTHROPIC_BLOCK_START + ANTHROPIC_PING
            + anthropicText("Hello") + anthropicText("!") + ANTHROPIC_BLOCK_STOP + ANTHROPIC_MESSAGE_DELTA
            + ANTHROPIC_MESSAGE_STOP;

    /** Section 2.3: a whole (non-streamed) message. */
    public static final String ANTHROPIC_ANSWER = "{\"id\":\"msg_013Zva2CMHLNAmqYWvI1xIK9\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5-20250929\",\"content\":[{\"type\":\"text\",\"text\":\"Hello!\"}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":12,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":6,\"service_tier\":\"standard\"}}";

    public static final String ANTHROPIC_529 = "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"},\"request_id\":\"req_011CSLsW7mFqvHHnzrKdKjAE\"}";
    public static final String ANTHROPIC_400_CREDIT = "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.\"},\"request_id\":\"req_011CSLsW7mFqvHHnzrKdKjAE\"}";
    /** [U exact JSON] per the reference: the details object is taken from a third-party summary. */
    public static final String ANTHROPIC_429_SPEND_LIMIT = "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"You have reached your specified workspace API usage limits.\",\"details\":{\"error_code\":\"enforced_spend_limit_reached\"}},\"request_id\":\"req_011CSLsW7mFqvHHnzrKdKjAE\"}";
    public static final String ANTHROPIC_400_PROMPT_TOO_LONG = "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"prompt is too long: 205351 tokens > 200000 maximum\"},\"request_id\":\"req_011CSLsW7mFqvHHnzrKdKjAE\"}";

    // --- Gemini (section 3.4 captured stream, section 3.5 errors) --------------------------------------

    public static final String GEMINI_CHUNK_1 = "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"French: pom\"}],\"role\": \"model\"}}],\"usageMetadata\": {\"promptTokenCount\": 10,\"totalTokenCount\": 10,\"promptTokensDetails\": [{\"modality\": \"TEXT\",\"tokenCount\": 10}]},\"modelVersion\": \"gemini-2.0-flash\",\"responseId\": \"ibRCaOfLGfuQ1PIPqNma8Aw\"}";
    public static final String GEMINI_CHUNK_2 = "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"me de terre\\nGerman: Kartoffel\"}],\"role\": \"model\"}}],\"usageMetadata\": {\"promptTokenCount\": 10,\"totalTokenCount\": 10,\"promptTokensDetails\": [{\"modality\": \"TEXT\",\"tokenCount\": 10}]},\"modelVersion\": \"gemini-2.0-flash\",\"responseId\": \"ibRCaOfLGfuQ1PIPqNma8Aw\"}";
    public static final String GEMINI_CHUNK_3 = "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"\\nJapanese: ジャガイモ\"}],\"role\": \"model\"},\"finishReason\": \"STOP\"}],\"usageMetadata\": {\"promptTokenCount\": 10,\"candidatesTokenCount\": 49,\"totalTokenCount\": 59,\"promptTokensDetails\": [{\"modality\": \"TEXT\",\"tokenCount\": 10}],\"candidatesTokensDetails\": [{\"modality\": \"TEXT\",\"tokenCount\": 49}]},\"modelVersion\": \"gemini-2.0-flash\",\"responseId\": \"ibRCaOfLGfuQ1PIPqNma8Aw\"}";
    public static final String GEMINI_TEXT = "French: pomme de terre\nGerman: Kartoffel\nJapanese: ジャガイモ";

    /** Section 3.3: a whole (non-streamed) answer. */
    public static final String GEMINI_ANSWER = "{\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Hello!\"}],\"role\": \"model\"},\"finishReason\": \"STOP\",\"index\": 0,\"avgLogprobs\": -0.06}],\"usageMetadata\": {\"promptTokenCount\": 8,\"candidatesTokenCount\": 3,\"totalTokenCount\": 11,\"promptTokensDetails\": [{\"modality\": \"TEXT\",\"tokenCount\": 8}],\"candidatesTokensDetails\": [{\"modality\": \"TEXT\",\"tokenCount\": 3}]},\"modelVersion\": \"gemini-2.0-flash\",\"responseId\": \"Y8tsaInkFYLsx_APseqW6QY\"}";

    /** The captured stream framed with {@code sep} after each event (the service's {@code \r\n\r\n}, or {@code \n\n}). */
    public static String geminiStream(String sep) {
        return GEMINI_CHUNK_1 + sep + GEMINI_CHUNK_2 + sep + GEMINI_CHUNK_3 + sep;
    }

    public static final String GEMINI_400_API_KEY_INVALID = "{\"error\":{\"code\":400,\"message\":\"API key not valid. Please pass a valid API key.\",\"status\":\"INVALID_ARGUMENT\",\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":\"API_KEY_INVALID\",\"domain\":\"googleapis.com\",\"metadata\":{\"service\":\"generativelanguage.googleapis.com\"}},{\"@type\":\"type.googleapis.com/google.rpc.LocalizedMessage\",\"locale\":\"en-US\",\"message\":\"API key not valid. Please pass a valid API key.\"}]}}";
    public static final String GEMINI_400_CONTEXT = "{\"error\":{\"code\":400,\"message\":\"The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).\",\"status\":\"INVALID_ARGUMENT\"}}";

    /** The captured 429 with {@code quotaId} and {@code quotaValue} replaced. */
    public static String gemini429(String quotaId, String quotaValue) {
        return "{\"error\":{\"code\":429,\n  \"message\":\"You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits. \\n* Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_free_tier_requests, limit: 20, model: gemini-2.5-flash\\nPlease retry in 19.424395716s.\",\n  \"status\":\"RESOURCE_EXHAUSTED\",\n  \"details\":[\n    {\"@type\":\"type.googleapis.com/google.rpc.QuotaFailure\",\"violations\":[{\"quotaMetric\":\"generativelanguage.googleapis.com/generate_content_free_tier_requests\",\"quotaId\":\"" + quotaId + "\",\"quotaDimensions\":{\"location\":\"global\",\"model\":\"gemini-2.5-flash\"},\"quotaValue\":\"" + quotaValue + "\"}]},\n    {\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"19s\"}]}}";
    }

    public static final String GEMINI_BLOCKED = "data: {\"promptFeedback\": {\"blockReason\": \"SAFETY\",\"safetyRatings\": [{\"category\": \"HARM_CATEGORY_DANGEROUS_CONTENT\",\"probability\": \"HIGH\"}]},\"usageMetadata\": {\"promptTokenCount\": 7,\"totalTokenCount\": 7},\"modelVersion\": \"gemini-2.0-flash\"}\r\n\r\n";
}
