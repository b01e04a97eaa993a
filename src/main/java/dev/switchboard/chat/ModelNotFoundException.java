package dev.switchboard.chat;

/**
 * The provider a request names does not know its model (a typo, or a model the provider dropped): the
 * client gets a 404 at once. No key, circuit or daily counter is charged for it.
 */
public final class ModelNotFoundException extends RuntimeException {

    private final String provider;
    private final String model;

    public ModelNotFoundException(String provider, String model, String detail) {
        super("The provider '" + provider + "' does not know the model '" + model + "'" + (detail.isBlank() ? "."
                : ": " + detail), null, false, false);
        this.provider = provider;
        this.model = model;
    }

    public String provider() {
        return provider;
    }

    public String model() {
        return model;
    }
}
