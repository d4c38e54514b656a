package dev.gatehouse.authorizer.exceptions;

/**
 * The authorizer's configuration is missing or invalid. Thrown at initialisation, so a misconfigured function
 * fails every invocation with this message (API Gateway answers 500) instead of deciding anything.
 */
public final class ConfigurationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ConfigurationException(String message) {
        super(message);
    }
}
