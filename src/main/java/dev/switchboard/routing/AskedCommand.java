package dev.switchboard.routing;

import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.WireFormat;
import org.jspecify.annotations.Nullable;

/**
 * What a request asked: its command, and once its stream committed, the command without its prompt and the
 * counts of the prompt that the request's end books and logs ({@link RequestRun#releasePrompt}).
 *
 * @param command the command; without messages, tools and relayed body once {@code counts} is set
 * @param counts what was counted of the prompt when it was let go; null while the command still holds it
 */
record AskedCommand(ChatCommand command, @Nullable PromptCounts counts) {

    static AskedCommand of(ChatCommand command) {
        return new AskedCommand(command, null);
    }

    /** Whether the prompt was let go. */
    boolean released() {
        return counts != null;
    }

    /** The same request without its prompt, its counts kept. */
    AskedCommand withoutPrompt() {
        if (counts != null) {
            return this;
        }
        return new AskedCommand(command.withoutPrompt(), new PromptCounts(command.promptChars(), command.images(),
                command.messages().size(), command.tools().size(), Candidate.clientFormat(command)));
    }

    int promptChars() {
        return counts != null ? counts.chars() : command.promptChars();
    }

    int images() {
        return counts != null ? counts.images() : command.images();
    }

    int messageCount() {
        return counts != null ? counts.messages() : command.messages().size();
    }

    int toolCount() {
        return counts != null ? counts.tools() : command.tools().size();
    }

    boolean relays(Candidate candidate) {
        return counts != null ? candidate.relays(counts.clientFormat()) : candidate.relays(command);
    }

    /** The counts of a prompt let go; {@code clientFormat} as {@link Candidate#clientFormat}. */
    record PromptCounts(int chars, int images, int messages, int tools, @Nullable WireFormat clientFormat) {
    }
}
