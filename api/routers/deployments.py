"""The deployment endpoints of the reference: list, active, publish, undeploy, promote,
rollback."""

from ninja import Body, Query, Router

from api.auth import get_agent_for_key, get_deployment_for_key
from api.idempotency import idempotent
from api.schemas import (
    READ_ERRORS,
    WRITE_ERRORS,
    ActiveDeploymentsOut,
    DeploymentListOut,
    EnvironmentLiteral,
    ErrorEnvelope,
    IdempotencyKey,
    MutationDeploymentOut,
    PromoteBody,
    PublishBody,
    RollbackBody,
    UndeployBody,
)
from api.serializers import DEFAULT_LIMIT, MAX_LIMIT, deployment_json, mutation_json
from deployments.models import ENVIRONMENT_ORDER, Deployment, Environment
from deployments.services import (
    deployment_promote,
    deployment_publish,
    deployment_rollback,
    deployment_undeploy,
)

router = Router()


@router.get(
    "/agents/{agentId}/deployments",
    response={200: DeploymentListOut, **READ_ERRORS},
    tags=["deployments"],
    summary="List deployments for an environment",
)
def list_deployments(
    request,
    agentId: str,
    environment: EnvironmentLiteral = Query(  # noqa: B008
        ..., description="Environment to list deployments for (sandbox, pre-release, live)"
    ),
    limit: int = Query(
        DEFAULT_LIMIT,
        ge=1,
        description=f"Max number of deployments to return (default {DEFAULT_LIMIT}; values "
        f"above {MAX_LIMIT} return {MAX_LIMIT})",
    ),
):
    """Deployments for the requested environment, ordered newest first."""
    agent = get_agent_for_key(request, agentId)
    deployments = (
        Deployment.objects.filter(agent=agent, environment=environment)
        .select_related("version", "created_by")
        .order_by("-sequence")[: min(limit, MAX_LIMIT)]
    )
    return {"deployments": [deployment_json(deployment) for deployment in deployments]}


@router.get(
    "/agents/{agentId}/deployments/active",
    response={200: ActiveDeploymentsOut, 401: ErrorEnvelope, 404: ErrorEnvelope},
    tags=["deployments"],
    summary="Get active deployment per environment",
    by_alias=True,
)
def active_deployments(request, agentId: str):
    """The active deployment of each environment (sandbox, pre-release, live); null when an
    environment has none (never deployed, or undeployed)."""
    agent = get_agent_for_key(request, agentId)
    environments = Environment.objects.filter(agent=agent).select_related(
        "active_deployment__version", "active_deployment__created_by"
    )
    by_name = {environment.name: environment.active_deployment for environment in environments}
    return {
        "activeDeployments": {
            name: deployment_json(by_name[name]) if by_name.get(name) else None
            for name in ENVIRONMENT_ORDER
        }
    }


@router.post(
    "/agents/{agentId}/deployments/publish",
    response={200: MutationDeploymentOut, **WRITE_ERRORS},
    tags=["deployments"],
    summary="Publish the current draft to an environment",
)
@idempotent
def publish(
    request,
    agentId: str,
    payload: PublishBody = Body(None),  # noqa: B008
    idempotency_key: str | None = IdempotencyKey,
):
    """Publish the draft as a new version (or reuse the latest version when the draft is
    unchanged) and deploy it to `environment` (sandbox by default). Publishing an unchanged
    draft that is already active there returns the active deployment and creates nothing,
    so CI can call this on every merge."""
    agent = get_agent_for_key(request, agentId)
    payload = payload or PublishBody()
    deployment, _ = deployment_publish(
        actor=request.actor,
        agent=agent,
        environment=payload.environment,
        message=payload.deploymentMessage,
    )
    return mutation_json(deployment)


@router.post(
    "/agents/{agentId}/deployments/undeploy",
    response={200: MutationDeploymentOut, **WRITE_ERRORS},
    tags=["deployments"],
    summary="Take an environment offline",
)
@idempotent
def undeploy(
    request,
    agentId: str,
    payload: UndeployBody = Body(None),  # noqa: B008
    idempotency_key: str | None = IdempotencyKey,
):
    """Leave `environment` (live by default) with no active version. Its history stays;
    the answer is the `undeploy` record. Needs an ops or admin key."""
    agent = get_agent_for_key(request, agentId)
    payload = payload or UndeployBody()
    deployment = deployment_undeploy(
        actor=request.actor,
        agent=agent,
        environment=payload.environment,
        message=payload.deploymentMessage,
    )
    return mutation_json(deployment)


@router.post(
    "/agents/{agentId}/deployments/{deploymentId}/promote",
    response={200: MutationDeploymentOut, **WRITE_ERRORS},
    tags=["deployments"],
    summary="Promote a deployment to the next environment",
)
@idempotent
def promote(
    request,
    agentId: str,
    deploymentId: str,
    payload: PromoteBody = Body(None),  # noqa: B008
    idempotency_key: str | None = IdempotencyKey,
):
    """Deploy this deployment's version to the next environment, or to `targetEnvironment`.
    The API call is the explicit confirmation a promotion to live needs in the dashboard;
    only ops and admin keys may promote to live (403 otherwise)."""
    agent = get_agent_for_key(request, agentId)
    deployment = get_deployment_for_key(agent, deploymentId)
    payload = payload or PromoteBody()
    promoted = deployment_promote(
        actor=request.actor,
        deployment=deployment,
        target_environment=payload.targetEnvironment,
        message=payload.deploymentMessage,
        confirmed=True,
    )
    return mutation_json(promoted)


@router.post(
    "/agents/{agentId}/deployments/{deploymentId}/rollback",
    response={200: MutationDeploymentOut, **WRITE_ERRORS},
    tags=["deployments"],
    summary="Rollback to a previous deployment",
)
@idempotent
def rollback(
    request,
    agentId: str,
    deploymentId: str,
    payload: RollbackBody = Body(None),  # noqa: B008
    idempotency_key: str | None = IdempotencyKey,
):
    """Roll the deployment's environment back. For the active deployment: back to the
    version active before it. For an older record: back to that record's version. Either
    way a new `rollback` record is appended. Needs an ops or admin key."""
    agent = get_agent_for_key(request, agentId)
    deployment = get_deployment_for_key(agent, deploymentId)
    payload = payload or RollbackBody()
    rolled_back = deployment_rollback(
        actor=request.actor, deployment=deployment, message=payload.deploymentMessage
    )
    return mutation_json(rolled_back)
