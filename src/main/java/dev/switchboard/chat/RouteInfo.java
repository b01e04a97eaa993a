package dev.switchboard.chat;

/** Who answered: provider, key alias, model and path. */
public record RouteInfo(String provider, String key, String model, RoutePath path) {
}
