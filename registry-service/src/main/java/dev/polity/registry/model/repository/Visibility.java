package dev.polity.registry.model.repository;

/**
 * The one definition of who sees a model, as SQL, used inside every query that returns models
 * (search, single reads) so that filtering never happens after the query. A caller sees a model
 * when it owns it, when the model is public, when the model is {@code organization} and its owner
 * declared a collaboration with the caller, or when the model is {@code consortium} and both are
 * accepted members of one consortium.
 *
 * <p>The predicate reads {@code organization} and {@code access_level} of the row it is given: a {@code model}
 * row, or a {@code model_version} row (which carries copies of both).
 */
public final class Visibility {

    private Visibility() {
    }

    /**
     * The predicate over a {@code model} (or {@code model_version}) row.
     *
     * @param model  the alias of the {@code model} or {@code model_version} table
     * @param caller the parameter holding the caller's organisation ({@code $3}, {@code :caller}, ...)
     */
    public static String predicate(String model, String caller) {
        return """
                (%1$s.organization = %2$s
                 or %1$s.access_level = 'public'
                 or (%1$s.access_level = 'organization'
                     and exists (select 1 from collaboration vc
                                  where vc.organization = %1$s.organization and vc.partner = %2$s))
                 or (%1$s.access_level = 'consortium'
                     and exists (select 1 from consortium_member vo
                                   join consortium_member vp on vp.consortium_id = vo.consortium_id
                                  where vo.organization = %1$s.organization and vo.accepted_at is not null
                                    and vp.organization = %2$s and vp.accepted_at is not null)))"""
                .formatted(model, caller);
    }
}
