"""The execution engine: node contract, workflow model, validation, planning, cache,
scheduling and run events. Imports no web framework; reports only through event hooks."""

from .cache import ResultCache
from .context import NodeContext
from .contract import Input, NodeDef, Output, Param, node
from .disk_cache import DiskCache
from .engine import Engine, NodeResult, RunResult
from .errors import Cancelled, ContractError, NodeInputError, Problem, RegistryError, WorkflowInvalid
from .events import EVENT_TYPES, Event, EventHook
from .plan import Plan, compile_workflow
from .registry import Registry
from .summary import describe
from .workflow import Link, Workflow, WorkflowNode

__all__ = [
    "EVENT_TYPES",
    "Cancelled",
    "ContractError",
    "DiskCache",
    "Engine",
    "Event",
    "EventHook",
    "Input",
    "Link",
    "NodeContext",
    "NodeDef",
    "NodeInputError",
    "NodeResult",
    "Output",
    "Param",
    "Plan",
    "Problem",
    "Registry",
    "RegistryError",
    "ResultCache",
    "RunResult",
    "Workflow",
    "WorkflowInvalid",
    "WorkflowNode",
    "compile_workflow",
    "describe",
    "node",
]
