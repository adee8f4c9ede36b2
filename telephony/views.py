"""The Numbers pages: the list (with Add number) and one number's page (its assignment
form, label, release and history). Admins edit; everyone else reads, with the reason."""

from dataclasses import dataclass, field

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from agentbuilder import policy
from agentbuilder.access import actor_for, member_required
from agentbuilder.errors import InvalidInput, NotAllowed
from agentbuilder.models import Agent
from agentbuilder.selectors import agent_in_workspace, agents_of
from deployments.models import ENVIRONMENT_ORDER, Environment, EnvironmentName
from telephony.selectors import (
    assignment_of,
    number_for_workspace,
    number_history,
    number_warnings,
    numbers_for_workspace,
    variant_rows,
)
from telephony.services import (
    number_assign,
    number_create,
    number_release,
    number_update,
    target_ref,
)
from versions.models import Version

PAGE_SIZE = 25
VERSIONS_IN_DROPDOWN = 50


def _edit_context(request) -> dict:
    may_edit = policy.may(request.role, "numbers.edit")
    return {
        "may_edit": may_edit,
        "read_only_reason": ""
        if may_edit
        else f"{policy.why_not('numbers.edit')} You are {request.role}.",
        "nav": "numbers",
    }


@member_required
def numbers_index(request):
    """The workspace's numbers (paginated) and, for admins, Add number."""
    errors: dict[str, str] = {}
    values = {"number": "", "label": ""}
    status = 200
    if request.method == "POST":
        values = {"number": request.POST.get("number", ""), "label": request.POST.get("label", "")}
        try:
            phone_number = number_create(
                actor=actor_for(request),
                workspace=request.workspace,
                number=values["number"],
                label=values["label"],
            )
        except NotAllowed as error:
            messages.error(request, error.message)
            return redirect("telephony:numbers")
        except InvalidInput as error:
            errors, status = error.errors or {"number": error.message}, 422
        else:
            messages.success(request, f"Added {phone_number.number}. Now assign it to an agent.")
            return redirect("telephony:number_detail", number_id=phone_number.pk)
    page = Paginator(numbers_for_workspace(request.workspace), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [
        {
            "number": phone_number,
            "assignment": assignment_of(phone_number),
            "variants": variant_rows(phone_number),
            "warnings": number_warnings(phone_number),
        }
        for phone_number in page
    ]
    context = {
        "page": page,
        "rows": rows,
        "errors": errors,
        "values": values,
        **_edit_context(request),
    }
    return render(request, "telephony/numbers.html", context, status=status)


@dataclass
class VariantFormRow:
    label: str = ""
    target: str = "live"
    weight: str = "100"
    errors: dict[str, str] = field(default_factory=dict)


@dataclass
class HeaderFormRow:
    name: str = ""
    value: str = ""
    errors: dict[str, str] = field(default_factory=dict)


@dataclass
class AssignmentForm:
    agent_id: str = ""
    variants: list[VariantFormRow] = field(default_factory=list)
    headers: list[HeaderFormRow] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_assignment(cls, phone_number) -> "AssignmentForm":
        assignment = assignment_of(phone_number)
        if assignment is None:
            return cls(variants=[VariantFormRow(label="Default")], headers=[HeaderFormRow()])
        return cls(
            agent_id=str(assignment.agent_id),
            variants=[
                VariantFormRow(
                    label=v.label,
                    target=target_ref(v.target_kind, v.environment, v.version),
                    weight=str(v.weight),
                )
                for v in assignment.variants.all()
            ],
            headers=[HeaderFormRow(h["name"], h["value"]) for h in assignment.sip_headers]
            or [HeaderFormRow()],
        )

    @classmethod
    def from_data(cls, data) -> "AssignmentForm":
        labels, targets, weights = (
            data.getlist("variant_label"),
            data.getlist("variant_target"),
            data.getlist("variant_weight"),
        )
        variants = [
            VariantFormRow(label, target, weight)
            for label, target, weight in zip(labels, targets, weights, strict=False)
        ]
        headers = [
            HeaderFormRow(name, value)
            for name, value in zip(
                data.getlist("header_name"), data.getlist("header_value"), strict=False
            )
        ]
        form = cls(agent_id=data.get("agent", ""), variants=variants, headers=headers)
        form.apply(data.get("op", ""))
        return form

    def apply(self, op: str) -> None:
        """Add/remove rows (the editor's buttons, which re-render without saving)."""
        if op == "add-variant":
            if len(self.variants) == 1 and self.variants[0].label == "Default":
                self.variants[0].label = "Control"
            self.variants.append(VariantFormRow(label="Test", target="draft", weight=""))
        elif op.startswith("remove-variant-") and len(self.variants) > 1:
            index = op.removeprefix("remove-variant-")
            if index.isdigit() and int(index) < len(self.variants):
                del self.variants[int(index)]
            if len(self.variants) == 1:
                self.variants[0].weight = "100"
        elif op == "add-header":
            self.headers.append(HeaderFormRow())
        elif op.startswith("remove-header-"):
            index = op.removeprefix("remove-header-")
            if index.isdigit() and int(index) < len(self.headers):
                del self.headers[int(index)]
        if not self.variants:
            self.variants = [VariantFormRow(label="Default")]
        if not self.headers:
            self.headers = [HeaderFormRow()]

    def service_arguments(self) -> tuple[list[dict], list[dict]]:
        variants = [
            {"label": v.label, "target": v.target, "weight": v.weight} for v in self.variants
        ]
        headers = [{"name": h.name, "value": h.value} for h in self.headers]
        return variants, headers

    def attach(self, errors: dict[str, str]) -> None:
        """Put each service error next to its field."""
        for key, message in errors.items():
            parts = key.split(".")
            if parts[0] == "variants" and len(parts) == 3 and int(parts[1]) < len(self.variants):
                self.variants[int(parts[1])].errors[parts[2]] = message
            elif parts[0] == "sipHeaders" and len(parts) == 3 and int(parts[1]) < len(self.headers):
                self.headers[int(parts[1])].errors[parts[2]] = message
            else:
                self.errors[parts[0]] = message


def _target_choices(agent: Agent | None) -> list[tuple[str, str]]:
    """The target dropdown of an agent: its environments (following whatever is active
    there), its versions (pinned), then the Draft. Two queries."""
    if agent is None:
        return [
            (name.value, f"{name.label} (follows whatever is active)") for name in ENVIRONMENT_ORDER
        ] + [("draft", "Draft")]
    active = {
        env.name: env.active_deployment
        for env in Environment.objects.filter(agent=agent).select_related(
            "active_deployment__version"
        )
    }
    choices = []
    for name in ENVIRONMENT_ORDER:
        deployment = active.get(name)
        now = f"now V{deployment.version.number}" if deployment else "nothing deployed"
        choices.append(
            (name.value, f"{EnvironmentName(name).label} (follows whatever is active: {now})")
        )
    for version in Version.objects.filter(agent=agent).only("number", "name")[
        :VERSIONS_IN_DROPDOWN
    ]:
        choices.append((f"v{version.number}", f"V{version.number} {version.name} (pinned)"))
    choices.append(("draft", "Draft (for testing)"))
    return choices


def _render_detail(request, phone_number, form: AssignmentForm, *, status: int = 200):
    agents = list(agents_of(request.workspace).only("id", "name"))
    agent = next((a for a in agents if str(a.pk) == form.agent_id), None)
    if agent is None and agents and not form.agent_id:
        agent = agents[0]
        form.agent_id = str(agent.pk)
    context = {
        "phone_number": phone_number,
        "variants": variant_rows(phone_number),
        "warnings": number_warnings(phone_number),
        "history": number_history(phone_number),
        "agents": agents,
        "target_choices": _target_choices(agent),
        "form": form,
        "detail_url": reverse("telephony:number_detail", args=[phone_number.pk]),
        **_edit_context(request),
    }
    template = "telephony/number_detail.html"
    if request.htmx and not request.htmx.boosted:
        template += "#assignment"
    return render(request, template, context, status=status)


@member_required
def number_detail(request, number_id: int):
    """A number's page. With form values in the query (the editor's Add/Remove buttons and
    the agent selector), re-renders the assignment form from them without saving."""
    phone_number = number_for_workspace(request.workspace, number_id)
    if "agent" in request.GET:
        form = AssignmentForm.from_data(request.GET)
    else:
        form = AssignmentForm.from_assignment(phone_number)
    return _render_detail(request, phone_number, form)


@require_POST
@member_required
def number_assign_view(request, number_id: int):
    phone_number = number_for_workspace(request.workspace, number_id)
    form = AssignmentForm.from_data(request.POST)
    agent = agent_in_workspace(request.workspace, form.agent_id)
    variants, headers = form.service_arguments()
    try:
        if agent is None:
            raise InvalidInput("Choose an agent.", errors={"agent": "Choose an agent."})
        number_assign(
            actor=actor_for(request),
            phone_number=phone_number,
            agent=agent,
            variants=variants,
            sip_headers=headers,
        )
    except NotAllowed as error:
        messages.error(request, error.message)
        return redirect("telephony:number_detail", number_id=phone_number.pk)
    except InvalidInput as error:
        form.attach(error.errors or {"variants": error.message})
        return _render_detail(request, phone_number, form, status=422)
    messages.success(request, f"Saved the assignment of {phone_number.number}.")
    return redirect("telephony:number_detail", number_id=phone_number.pk)


@require_POST
@member_required
def number_label_view(request, number_id: int):
    phone_number = number_for_workspace(request.workspace, number_id)
    try:
        number_update(
            actor=actor_for(request), phone_number=phone_number, label=request.POST.get("label", "")
        )
    except (NotAllowed, InvalidInput) as error:
        messages.error(request, next(iter(getattr(error, "errors", {}).values()), error.message))
    else:
        messages.success(request, "Label saved.")
    return redirect("telephony:number_detail", number_id=phone_number.pk)


@require_POST
@member_required
def number_release_view(request, number_id: int):
    phone_number = number_for_workspace(request.workspace, number_id)
    try:
        number_release(actor=actor_for(request), phone_number=phone_number)
    except NotAllowed as error:
        messages.error(request, error.message)
        return redirect("telephony:number_detail", number_id=phone_number.pk)
    messages.success(request, f"Released {phone_number.number}.")
    return redirect("telephony:numbers")
