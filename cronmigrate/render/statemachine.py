"""``statemachines/<job>.asl.json``: the Run Command jobs' state machine definitions."""

from __future__ import annotations

import json

from cronmigrate.deploy.infra import Stack, StateMachine
from cronmigrate.render import Artifact, Artifacts


def render(stack: Stack) -> Artifacts:
    return {
        r.definition_path: Artifact.text(json.dumps(r.definition, indent=2) + "\n")
        for r in stack.all_resources()
        if isinstance(r, StateMachine)
    }
