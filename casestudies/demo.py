"""Demo data of the case-study community: themes, members, three published cases with their
discussions, a draft written from an engagement, and a moderation queue with work in it.

Run by `manage.py seed_demo` after advisors/demo.py, whose logins it uses: the consultant
("consultant") and the second consultant write cases, the manager writes and publishes one,
the member ("member") and four more members discuss them. Every name and story is invented.

Like the other apps' demos: dates are relative to "now", and every row is found by a natural key
(a theme or case by its slug, a member by username, a comment by case, author and text, a
report by comment and reporter) and updated in place, so a second run changes no counts and
puts the demo back the way it was (a held comment held again, open reports open again).

No notification e-mails are owed by the demo. The discussions happened "before today", so
their comments are written as rows with fixed times, without the services that post them
(comment_post would enqueue e-mails after the commit). No Notification rows are made for
them: a row is a promise to send (sent_at empty means owed), and rows marked as sent would
only claim e-mails that never went. With no rows, the scan finds nothing to send; what a
person does in the demo afterwards (a moderator approving the held comment, a member
replying) owes its e-mails through the services, as in real use, and those go to the
example.com addresses of the demo (the console in development).

The draft is the one thing made with the services, as an advisor would make it: the lesson of
an engagement of the demo consultant, prefilled (its client's names replaced) and saved as a
draft linked to its source. A second run leaves that draft as it finds it: it is the demo
consultant's to work on. The published cases have no source engagement; they are checked
anyway, as publishing would check them.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from advisors import roles
from advisors.demo import DEMO_PASSWORD
from engagements.selectors import engagement_id_led_by, engagement_lesson

from .markup import render_markdown
from .models import CaseStudy, Comment, CommentEvent, CommentReport, MemberProfile, Theme
from .services import NamesTheClient, casestudy_create, casestudy_hits, casestudy_prefill

User = get_user_model()

THEMES = {
    "expectations": "Expectations",
    "intake": "Intake",
    "stakeholders": "Stakeholders",
    "difficult-clients": "Difficult clients",
    "scope-and-role": "Scope and role",
}
# The words that tie an intake to a theme (the intake's lessons panel matches them).
THEME_KEYWORDS = {
    "expectations": "expect, surprise, verwacht, verrass",
    "intake": "request, need behind, vraag, behoefte",
    "stakeholders": "director, owner, board, takes over, directeur, eigenaar, bestuur, overname",
    "difficult-clients": "complaint, price, prices, too expensive, klacht, prijs, te duur",
    "scope-and-role": "scope, boundaries, web shop, software, afbakening, grenzen, rol",
}


@dataclass(frozen=True)
class DemoMember:
    username: str
    display_name: str
    language: str
    joined_days_ago: int


# The existing "member" login of advisors/demo.py, and four more (they log in with DEMO_PASSWORD
# too). The last one joined yesterday: their first comment waits for a moderator.
MEMBERS = [
    DemoMember("member", "Joris Bakker", "nl", 120),
    DemoMember("member2@example.com", "Mirjam Koster", "nl", 200),
    DemoMember("member3@example.com", "Yusuf Demir", "en", 90),
    DemoMember("member4@example.com", "Esther van Leeuwen", "nl", 45),
    DemoMember("member5@example.com", "Bram Verhoef", "nl", 1),
]

# The demo engagement the draft is written from: one of the consultant's, with a lesson in its meeting log.
DRAFT_SOURCE = ("consultant", "Planning process redesign")


@dataclass(frozen=True)
class Said:
    """One comment of a demo discussion: who, what, when (hours after the case was published)
    and the replies to it."""

    who: str  # a MEMBERS username, or "author" for the case's author
    text: str
    hours: float
    replies: tuple["Said", ...] = ()


# --- the cases -------------------------------------------------------------------------------------
UNSEEN_PLAN = {
    "slug": "the-plan-nobody-had-seen",
    "title": "The plan nobody had seen",
    "author": "consultant",
    "themes": ["expectations", "difficult-clients"],
    "published_days_ago": 12,
    "body": """\
An advisor was asked to write a plan of approach, with a budget, for a mid-sized company. The
management team saw the plan for the first time in the meeting that was meant to discuss it:
nothing had been sent ahead.

The advisor started with energy and took them through it page by page. A few minutes in, the
director began to shift in his chair and kept moving the papers in front of him. The advisor
sensed that something was off and answered it by talking faster and skipping ahead, to reach
the parts he expected would win them over.

After half an hour he stopped. The director said he was very unhappy: this was nothing like
what he had expected. Caught off guard, the advisor noted what had to change, promised a new
version and was out of the room within minutes. In the car he went over the meeting again and
could not say where it had gone wrong.""",
    "question": "How would you have prepared this meeting?",
    "discussion": (
        Said(
            "member2@example.com",
            "Two things went wrong before anyone said a word. The plan should have reached them a few days "
            "earlier, with one question: *does this match what you had in mind?* And the meeting needed an "
            "agenda that starts with their expectations, not with page one.",
            5,
            (
                Said(
                    "author",
                    "Fair. The plan was finished the evening before, and I told myself it was better to explain it "
                    "in person. Looking back, that was about my nerves, not about what they needed.",
                    9,
                    (
                        Said(
                            "member2@example.com",
                            "Recognisable. One habit that helps: send it with a short note saying which parts are "
                            "still open. Then their reaction is an invitation rather than a verdict.",
                            11,
                        ),
                    ),
                ),
            ),
        ),
        Said(
            "member3@example.com",
            "I would look at the half hour. Nobody follows a thirty-minute monologue, and the signs were there "
            "after five. Stop and ask: *I sense some doubt, what are you thinking?* It costs you the flow of "
            "your story and wins you the client.",
            26,
            (
                Said(
                    "member",
                    "Agreed, but it takes nerve to stop when you feel the room slipping. What helps me is agreeing "
                    "at the start that I talk for ten minutes at most, and then we discuss.",
                    30,
                    (
                        Said(
                            "author",
                            "Ten minutes is a good rule. I now put a question to the client after every section "
                            "of a plan, written into my own notes, so I cannot skip it when I get nervous.",
                            33,
                        ),
                    ),
                ),
            ),
        ),
    ),
}

SAME_REQUEST = {
    "slug": "same-request-different-needs",
    "title": "Same request, different needs",
    "author": "consultant2",
    "themes": ["intake", "expectations"],
    "published_days_ago": 40,
    "closed_days_ago": 20,
    "body": """\
On a single day I had intake meetings with two organisations that had sent me the same request.
Both e-mails were one line long: could I send a proposal and a price for a course in
customer-focused communication?

The first was a facilities manager at a public body. His staff did work for a wide range of
internal customers and came across as curt and rigid. He wanted them to be more
service-minded.

The second was an advisory firm. Their clients agreed with the recommendations and then did
nothing with them. They wanted to learn to communicate more convincingly, "so that clients
finally listen to us".

The same words in the e-mail pointed in opposite directions: one team had to listen better to
its customers, the other wanted its customers to listen to them. Had I replied to the e-mail
with a standard proposal, both would have received the wrong course.""",
    "question": "How do you find the need behind a short request before you write a proposal?",
    "discussion": (
        Said(
            "member",
            "I never put a price on a one-line request. I answer with three questions: why now, what should be "
            "different in six months, and who will notice first. The answers usually tell me whether it is a "
            "course at all.",
            3,
            (
                Said(
                    "author",
                    "The *why now* question is the one that opened up the second intake: a large client had walked "
                    "away from them the month before.",
                    8,
                    (
                        Said(
                            "member3@example.com",
                            "Then the real need is keeping clients, not communication skills. Did they see it that "
                            "way too?",
                            20,
                        ),
                        Said(
                            "author",
                            "Not at first. It took a second conversation, with the partner who had lost that client, "
                            "before the word *trust* came up.",
                            27,
                        ),
                    ),
                ),
            ),
        ),
        Said(
            "member4@example.com",
            "The second firm's wish interests me. Wanting clients to listen to you is often a sign that the advice "
            "does not fit the client's situation. I would look at how they arrive at their advice before teaching "
            "them to persuade.",
            30,
            (
                Said(
                    "member2@example.com",
                    "Yes. Resistance usually means the client does not trust the advice yet, not that the message "
                    "was unclear.",
                    34,
                ),
            ),
        ),
        Said(
            "member3@example.com",
            "Both are really about the same skill: seeing the situation through the other side's eyes. One team "
            "needs it for its service, the other for its advice.",
            50,
        ),
    ),
    "closing_summary": """\
Thank you all. What I take from this discussion:

- A one-line request gets questions, not a price: why now, what should be different, who will notice.
- The same words can point in opposite directions; the intake is where you find out which.
- "Make them listen to us" is often about trust in the advice, so look at how the advice is made
  before teaching anyone to persuade.
- Write down the need behind the request before the proposal, and check it with the client.""",
}

LEADER_LEFT = {
    "slug": "the-decision-maker-who-left",
    "title": "The decision maker who left",
    "author": "manager",
    "themes": ["stakeholders", "scope-and-role"],
    "published_days_ago": 6,
    "body": """\
We had a good engagement with a mid-sized company. The managing director had commissioned it,
read every version of the proposal and chaired the steering group. Halfway through, he left
the company at short notice.

His successor started a few weeks later. In our first meeting it became clear that she had
never read the proposal. She did not know why we were there, questioned the approach from the
start and asked what the company had been paying for so far. The goodwill had left with her
predecessor.

We had treated the proposal as settled because one person had agreed to it. Nothing in our plan
said what to do if that person left.""",
    "question": "What do you do when the person who hired you leaves in the middle of an engagement?",
    "discussion": (
        Said(
            "member2@example.com",
            "Treat it as a new intake. Ask the successor for an hour, explain nothing yet, and first ask what she "
            "sees as the problem. She may well agree with the plan, but she needs to make it hers.",
            4,
            (
                Said(
                    "author",
                    "That is what we did in the end, a week too late. We went into the first meeting defending the "
                    "plan.",
                    7,
                ),
            ),
        ),
        Said(
            "member",
            "At every kick-off I now ask: who else needs to back this if you are not around? It sounds gloomy, "
            "but it gives you a second name.",
            22,
            (
                Said(
                    "member4@example.com",
                    "Good question. I also put it in the proposal itself, as a risk with the response we agreed on.",
                    25,
                    (
                        Said(
                            "author",
                            "We have started doing that as well: a contact who leaves is now a standing item in our "
                            "progress meetings.",
                            29,
                        ),
                    ),
                ),
            ),
        ),
        Said(
            "member3@example.com",
            "Her question about what they had paid for so far is fair. A one-page summary of the results to date "
            "would have helped more than the proposal did.",
            48,
        ),
    ),
}

CASES = [UNSEEN_PLAN, SAME_REQUEST, LEADER_LEFT]

# A visible comment that two members reported (one report short of hiding it at the default of three).
REPORTED = Said(
    "member4@example.com",
    "With respect, this is not a preparation problem. Someone who keeps talking for half an hour while the client "
    "squirms should not be sent to a management team on his own. Whoever staffed this engagement failed.",
    40,
)
REPORTS = [
    ("member2@example.com", "Goes after the author instead of discussing the case."),
    ("member", "Unkind. The rules ask us to discuss the situation, not the person."),
]
# A new member's first comment, waiting for a moderator.
HELD = Said(
    "member5@example.com",
    "First time posting here. I would have called the director two days before and asked one thing: what do you "
    "hope to see in this plan? That one call could have changed the whole meeting.",
    24 * 11 + 3,
)
HELD_REASON = "A new member's first comment"


class CaseSeeder:
    def __init__(self, now: datetime | None = None):
        self.now = now or timezone.now()

    def ago(self, days: int, hour: int = 9) -> datetime:
        """`days` before today at a local wall-clock time, so the demo's talk happens by day."""
        day = timezone.localdate(self.now) - timedelta(days=days)
        return datetime.combine(day, time(hour), tzinfo=timezone.get_current_timezone())

    @staticmethod
    def backdate(obj, when: datetime) -> None:
        type(obj).objects.filter(pk=obj.pk).update(created_at=when)
        obj.created_at = when

    @transaction.atomic
    def run(self) -> list[str]:
        self.advisors()
        self.themes()
        self.members()
        cases = [self.case(spec) for spec in CASES]
        self.moderation(cases[0])
        draft = self.draft()
        visible = Comment.objects.filter(case__in=cases, status=Comment.Status.VISIBLE).count()
        return [
            f"{len(self.themes_by_slug)} themes; {len(self.members_by_name)} community members "
            f"({', '.join(m.username for m in MEMBERS[1:])} log in with the demo password too)",
            f"{len(cases)} published cases ({sum(c.status == CaseStudy.Status.CLOSED for c in cases)} closed) "
            f"with {visible} visible comments",
            f'1 draft from an engagement by {draft.author.username}: "{draft.title}"',
            "moderation: 1 held comment (a new member's first), 1 reported comment",
        ]

    # --- people --------------------------------------------------------------------------------------
    def advisors(self) -> None:
        names = {"consultant", "consultant2", "manager"}
        self.advisors_by_name = {user.username: user for user in User.objects.filter(username__in=names)}
        missing = names - set(self.advisors_by_name)
        if missing:
            raise RuntimeError(f"Run advisors.demo.seed() first: no demo login {', '.join(sorted(missing))}.")

    def themes(self) -> None:
        self.themes_by_slug = {}
        for slug, name in THEMES.items():
            self.themes_by_slug[slug], _ = Theme.objects.update_or_create(
                slug=slug, defaults={"name": name, "keywords": THEME_KEYWORDS.get(slug, "")}
            )

    def members(self) -> None:
        group = Group.objects.get(name=roles.COMMUNITY_MEMBER)
        self.members_by_name = {}
        for member in MEMBERS:
            first, _, last = member.display_name.partition(" ")
            defaults = {"first_name": first, "last_name": last, "is_active": True}
            if "@" in member.username:
                defaults["email"] = member.username
            user, _ = User.objects.update_or_create(username=member.username, defaults=defaults)
            if not user.check_password(DEMO_PASSWORD):
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            user.groups.set([group])
            joined = self.ago(member.joined_days_ago, hour=8)
            profile, _ = MemberProfile.objects.update_or_create(
                user=user,
                defaults={"display_name": member.display_name, "language": member.language, "confirmed_at": joined},
            )
            self.backdate(profile, joined)
            self.members_by_name[member.username] = user

    def person(self, who: str, case: CaseStudy):
        return case.author if who == "author" else self.members_by_name[who]

    # --- cases and their discussions -----------------------------------------------------------------
    def case(self, spec: dict) -> CaseStudy:
        author = self.advisors_by_name[spec["author"]]
        published_at = self.ago(spec["published_days_ago"])
        closed = "closed_days_ago" in spec
        summary = spec.get("closing_summary", "")
        case, _ = CaseStudy.objects.update_or_create(
            slug=spec["slug"],
            defaults={
                "title": spec["title"],
                "body": spec["body"],
                "body_html": render_markdown(spec["body"]),
                "question": spec["question"],
                "author": author,
                "source_engagement": None,
                "status": CaseStudy.Status.CLOSED if closed else CaseStudy.Status.PUBLISHED,
                "published_at": published_at,
                "published_by": self.advisors_by_name["manager"],
                "closed_at": self.ago(spec["closed_days_ago"], hour=17) if closed else None,
                "closing_summary": summary,
                "closing_summary_html": render_markdown(summary),
            },
        )
        case.themes.set([self.themes_by_slug[slug] for slug in spec["themes"]])
        self.backdate(case, published_at - timedelta(days=2))
        hits = casestudy_hits(case=case)  # what publishing checks (there is no source: nothing to find)
        if hits:
            raise NamesTheClient(hits)
        for said in spec["discussion"]:
            self.comment(case, said)
        return case

    def comment(self, case: CaseStudy, said: Said, parent: Comment | None = None, **fields) -> Comment:
        comment, _ = Comment.objects.update_or_create(
            case=case,
            author=self.person(said.who, case),
            body=said.text,
            defaults={
                "parent": parent,
                "depth": parent.depth + 1 if parent else 0,
                "body_html": render_markdown(said.text),
                "status": Comment.Status.VISIBLE,
                "edited_at": None,
                **fields,
            },
        )
        self.backdate(comment, case.published_at + timedelta(hours=said.hours))
        for reply in said.replies:
            self.comment(case, reply, parent=comment)
        return comment

    def moderation(self, case: CaseStudy) -> None:
        """On the open case about the plan: one reported comment, one held comment."""
        reported = self.comment(case, REPORTED)
        for n, (who, reason) in enumerate(REPORTS):
            reporter = self.members_by_name[who]
            report, _ = CommentReport.objects.update_or_create(
                comment=reported, reporter=reporter, defaults={"reason": reason, "resolved_at": None}
            )
            event, _ = CommentEvent.objects.update_or_create(
                comment=reported, action=CommentEvent.Action.REPORTED, by=reporter, defaults={"reason": reason}
            )
            when = reported.created_at + timedelta(hours=3 + n * 5)
            self.backdate(report, when)
            self.backdate(event, when)
        held = self.comment(case, HELD, status=Comment.Status.HELD)
        event, _ = CommentEvent.objects.update_or_create(
            comment=held, action=CommentEvent.Action.HELD, by=None, defaults={"reason": HELD_REASON}
        )
        self.backdate(event, held.created_at)

    # --- a draft from an engagement ------------------------------------------------------------------
    def draft(self) -> CaseStudy:
        username, title = DRAFT_SOURCE
        author = self.advisors_by_name[username]
        engagement_id = engagement_id_led_by(lead=author, title=title)
        existing = CaseStudy.objects.filter(author=author, source_engagement_id=engagement_id).first()
        if existing is not None:
            return existing
        prefill = casestudy_prefill(lesson=engagement_lesson(engagement_id=engagement_id))
        return casestudy_create(
            author=author,
            title=prefill.title,
            body=prefill.body,
            question=prefill.question,
            themes=[self.themes_by_slug["expectations"], self.themes_by_slug["intake"]],
            source_engagement_id=engagement_id,
        )


def seed(*, now: datetime | None = None) -> list[str]:
    """Seed the community's demo (after advisors.demo.seed()); returns what was seeded, a line each."""
    return CaseSeeder(now).run()
