// Small constructors so each rule file reads as "name, why, check" and nothing else.
import { PolicyConfigSchema, PolicyResource, ResourceValidationArgs, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { configReader, Obj } from "./common";
import { PodView, podOf } from "./pod";

interface RuleMeta {
    name: string;
    description: string;
    remediationSteps: string;
    configSchema?: PolicyConfigSchema;
}

/** A policy over the pod of every pod-carrying kind; other types pass untouched. */
export function podPolicy<C extends object = Obj>(rule: RuleMeta & {
    check(pod: PodView, report: (message: string) => void, config: C): void;
    /** Mutates the pod in place; returns true when it changed something. */
    remediate?(pod: PodView): boolean;
}): ResourceValidationPolicy {
    const { check, remediate, ...meta } = rule;
    const configOf = configReader<C>(rule.configSchema);
    return {
        ...meta,
        validateResource: (args, reportViolation) => {
            const pod = podOf(args.type, args.props);
            if (pod) check(pod, m => reportViolation(`${pod.kind} ${args.name}: ${m}`), configOf(args));
        },
        ...(remediate && {
            remediateResource: (args: ResourceValidationArgs) => {
                const pod = podOf(args.type, args.props);
                return pod && remediate(pod) ? args.props : undefined;
            },
        }),
    };
}

/** A policy over resources accepted by `applies`; the check sees props and config. */
export function resourcePolicy<C extends object = Obj>(rule: RuleMeta & {
    applies(type: string): boolean;
    check(props: Obj, report: (message: string) => void, config: C, args: ResourceValidationArgs): void;
}): ResourceValidationPolicy {
    const { applies, check, ...meta } = rule;
    const configOf = configReader<C>(rule.configSchema);
    return {
        ...meta,
        validateResource: (args, reportViolation) => {
            if (applies(args.type)) check(args.props, m => reportViolation(`${args.type.split(":").pop()} ${args.name}: ${m}`), configOf(args), args);
        },
    };
}

/** A policy over the whole stack; `report(message, urn)` points at the offending resource. */
export function stackPolicy<C extends object = Obj>(rule: RuleMeta & {
    check(resources: PolicyResource[], report: (message: string, urn?: string) => void, config: C): void;
}): StackValidationPolicy {
    const { check, ...meta } = rule;
    const configOf = configReader<C>(rule.configSchema);
    return {
        ...meta,
        validateStack: (args, reportViolation) => check(args.resources, reportViolation, configOf(args)),
    };
}
