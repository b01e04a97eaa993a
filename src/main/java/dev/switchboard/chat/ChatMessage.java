package dev.switchboard.chat;

/** One message of a conversation; {@code role} is system, user or assistant. */
public record ChatMessage(String role, String content) {
}
