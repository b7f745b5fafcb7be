import strawberry

from resolvers import magic_links
from schema.mutations.results import AdminSessionResult, MagicLinkResult, StaffSessionResult, outcome
from schema.types.payloads import AdminSession, MagicLinkRequested, StaffSession


@strawberry.type
class AuthMutations:
    @strawberry.mutation(description="Send a sign-in link by WhatsApp; the answer is the same whether the phone is known or not.")
    async def request_magic_link(self, info: strawberry.Info, phone: str) -> MagicLinkResult:
        return outcome(await magic_links.request_magic_link(info.context.use_case, phone),
                       lambda v: MagicLinkRequested(message=v.message))

    @strawberry.mutation(description="Spend a link's token (single use, 15 minutes) for a 7-day session.")
    async def verify_magic_link(self, info: strawberry.Info, token: str) -> StaffSessionResult:
        return outcome(await magic_links.verify_magic_link(info.context.use_case, token), StaffSession.of)

    @strawberry.mutation(description="Parlo admins: password for an 8-hour admin session.")
    async def admin_login(self, info: strawberry.Info, password: str) -> AdminSessionResult:
        return outcome(await magic_links.admin_login(info.context.use_case, password), AdminSession.of)
