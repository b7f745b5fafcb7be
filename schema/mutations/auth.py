import strawberry

from resolvers import magic_links, sessions
from schema.mutations.results import AdminSessionResult, MagicLinkResult, SignOutResult, StaffSessionResult, outcome
from schema.types.ids import optional_id, to_id
from schema.types.payloads import AdminSession, MagicLinkRequested, SignedOutEverywhere, StaffSession


@strawberry.type
class AuthMutations:
    @strawberry.mutation(description="Send a sign-in link by WhatsApp; the answer is the same whether the phone is "
                                      "known or not. Rate limited per address and per phone (TooManyAttempts).")
    async def request_magic_link(self, info: strawberry.Info, phone: str) -> MagicLinkResult:
        return outcome(await magic_links.request_magic_link(info.context.use_case, phone),
                       lambda v: MagicLinkRequested(message=v.message), MagicLinkResult)

    @strawberry.mutation(description="Spend a link's token (single use, 15 minutes) for a 7-day session. "
                                      "Failed tokens are rate limited per address (TooManyAttempts).")
    async def verify_magic_link(self, info: strawberry.Info, token: str) -> StaffSessionResult:
        return outcome(await magic_links.verify_magic_link(info.context.use_case, token), StaffSession.of, StaffSessionResult)

    @strawberry.mutation(description="Parlo admins: password for an 8-hour admin session. "
                                      "10 wrong ones in 15 minutes lock it for the rest of them (TooManyAttempts).")
    async def admin_login(self, info: strawberry.Info, password: str) -> AdminSessionResult:
        return outcome(await magic_links.admin_login(info.context.use_case, password), AdminSession.of, AdminSessionResult)

    @strawberry.mutation(description="Cerrar sesión en todos lados: end every session of a person (default: yourself) "
                                      "on every device. Owners and admins may do it for a team member.")
    async def sign_out_everywhere(self, info: strawberry.Info, staff_id: strawberry.ID | None = None) -> SignOutResult:
        return outcome(await sessions.sign_out_everywhere(info.context.use_case, optional_id(staff_id)),
                       lambda v: SignedOutEverywhere(staff_id=to_id(v.staff_id), message=v.message), SignOutResult)
