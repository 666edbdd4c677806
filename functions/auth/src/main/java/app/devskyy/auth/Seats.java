package app.devskyy.auth;

import app.devskyy.auth.AuthItems.Member;
import app.devskyy.core.auth.Role;
import app.devskyy.core.billing.Entitlements;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Which members a workspace's plan seats: the longest-standing, up to the plan's {@code seats}. A
 * member beyond them (what a downgrade leaves over) keeps the membership, frozen: the role in
 * tokens and live checks is {@link Role#FROZEN}, which may only leave. Upgrading the plan, or
 * removing others, thaws the newest frozen members first; nothing is deleted. Tokens carry the
 * role they were issued with, so a freeze or a thaw reaches them at their next refresh.
 */
final class Seats {

    private final WorkspaceStore workspaceStore;
    private final Entitlements entitlements;

    Seats(WorkspaceStore workspaceStore, Entitlements entitlements) {
        this.workspaceStore = workspaceStore;
        this.entitlements = entitlements;
    }

    /** The member's role as the plan lets it be held. */
    Optional<Role> roleOf(Member member) {
        return Role.fromWire(member.role())
                .map(role -> isFrozen(member, workspaceStore.membersOf(member.workspaceId())) ? Role.FROZEN : role);
    }

    /** Whether {@code member} is beyond the plan's seats among {@code members} (all of its workspace's). */
    boolean isFrozen(Member member, List<Member> members) {
        List<String> bySeniority = members.stream()
                .sorted(Comparator.comparingLong(Member::joinedAt).thenComparing(Member::userId))
                .map(Member::userId)
                .toList();
        return entitlements.isFrozen(
                member.workspaceId(), Entitlements.SEATS, Math.max(0, bySeniority.indexOf(member.userId())));
    }
}
