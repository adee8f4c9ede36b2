"""The workspace's agents."""

from ninja import Router

from agentbuilder.selectors import agents_of
from api.schemas import AgentListOut, ErrorEnvelope

router = Router()


@router.get("/agents", response={200: AgentListOut, 401: ErrorEnvelope}, tags=["agents"])
def list_agents(request):
    """The workspace's agents."""
    agents = agents_of(request.workspace).only("id", "name")
    return {"agents": [{"id": str(agent.pk), "name": agent.name} for agent in agents]}
