package io.keel.store.invoices;

import io.keel.runtime.KeelException;

import java.io.Serial;

/** PDF generation failed for a reason that is a bug or a broken installation, never the invoice's content. */
public final class InvoiceRenderingException extends KeelException {
    @Serial
    private static final long serialVersionUID = 1L;

    InvoiceRenderingException(String message, Throwable cause) {
        super(message, cause);
    }
}
