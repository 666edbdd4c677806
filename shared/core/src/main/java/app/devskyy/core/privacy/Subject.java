package app.devskyy.core.privacy;

import java.util.List;

/**
 * The person a request for export or erasure is about: their user id, the blind index of their
 * email (how items keyed by the address are found without storing it), the pseudonym that takes
 * their place in the records kept after erasure, the id of their data key (which erasure destroys),
 * every workspace they are a member of, and those
 * that are theirs alone (personal ones, or where they are the only member), whose every item is theirs.
 */
public record Subject(
        String userId,
        String emailIndex,
        String pseudonym,
        String dataKeyId,
        List<String> memberOf,
        List<String> ownWorkspaces) {

    public Subject {
        memberOf = List.copyOf(memberOf);
        ownWorkspaces = List.copyOf(ownWorkspaces);
    }
}
