package dev.gatehouse.common;

/** The effect of a policy statement, spelled as IAM spells it. */
public enum Effect {
    ALLOW("Allow"),
    DENY("Deny");

    private final String iamName;

    Effect(String iamName) {
        this.iamName = iamName;
    }

    /** {@code Allow} or {@code Deny}. */
    public String iamName() {
        return iamName;
    }
}
