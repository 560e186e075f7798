"""The ``simsuite`` command line.

Exit codes: 0 success; 1 run failure (blow-up, integrator failure); 2 bad input (config, file);
130/143 interrupted by SIGINT/SIGTERM (the output keeps every snapshot so far, marked incomplete).
Errors are one or two lines naming the file, key, value and what is allowed; ``--debug`` shows tracebacks.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
import traceback
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from simsuite.config import ConfigError, Polymorphic, describe, load_config, parse_override
from simsuite.expressions import ExpressionError
from simsuite.io.paths import check_output_file, check_output_folder
from simsuite.version import __version__

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


def canonical_configs() -> list[Path]:
    """The canonical configs shipped inside the package (the same files as ``configs/``)."""
    folder = resources.files("simsuite") / "configs"
    return sorted(Path(str(p)) for p in folder.iterdir() if p.name.endswith(".toml"))


def _parser() -> argparse.ArgumentParser:
    # --debug is accepted before and after the subcommand. The subcommands' copy has no default
    # (SUPPRESS): a default there would overwrite the value the top-level parser already set.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks on errors"
    )
    parser = argparse.ArgumentParser(
        prog="simsuite",
        description="Simulate nonlinear waves and collective motion; NetCDF output.",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    parser.add_argument("--version", action="version", version=f"simsuite {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", parents=[common], help="run one config, or every canonical one")
    run.add_argument("config", nargs="?", help="TOML config file")
    run.add_argument("--all", action="store_true", help="run every canonical config (not sweeps)")
    run.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a config key, e.g. --set time.t_final=5 (repeatable)",
    )
    run.add_argument("--output", help="output path (overrides output.path; '' = none)")
    run.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    run.add_argument(
        "--overwrite", action="store_true", help="replace existing output files (refused otherwise)"
    )
    run.add_argument(
        "--restart",
        metavar="OUTPUT.nc",
        help="continue this incomplete output of CONFIG from its checkpoint "
        "(needs output.checkpoint_every > 0)",
    )

    sub.add_parser(
        "list", parents=[common], help="models, integrators, initial conditions, canonical configs"
    )

    show = sub.add_parser(
        "show-config", parents=[common], help="every config key with default, unit, range and doc"
    )
    show.add_argument("model", nargs="?", help="model name (default: every model)")
    show.add_argument("--markdown", action="store_true", help="print a Markdown reference")

    analyze = sub.add_parser(
        "analyze",
        parents=[common],
        help="entropy and schooling diagnostics of an output file, added as variables",
    )
    analyze.add_argument("output_file", metavar="OUTPUT.nc", help="a simsuite NetCDF output")
    where = analyze.add_mutually_exclusive_group()
    where.add_argument("--output", help="file to write (default: OUTPUT_analyzed.nc beside it)")
    where.add_argument("--inplace", action="store_true", help="add the variables to OUTPUT.nc")
    analyze.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="diagnostics option, e.g. --set diagnostics.renyi_orders='1, 2' (repeatable)",
    )
    analyze.add_argument(
        "--overwrite", action="store_true", help="replace an existing analyzed file"
    )
    analyze.add_argument("--quiet", action="store_true", help="no summary table")

    plot = sub.add_parser(
        "plot", parents=[common], help="the standard figures of an output file (PNG, PDF)"
    )
    plot.add_argument("output_file", metavar="OUTPUT.nc", help="a simsuite NetCDF output")
    plot.add_argument("--outdir", help="folder for the figures (default: beside OUTPUT.nc)")
    plot.add_argument("--pdf", action="store_true", help="also write PDF")
    plot.add_argument("--dpi", type=int, default=150, help="PNG resolution (default 150)")
    plot.add_argument("--quiet", action="store_true", help="do not list the files written")

    movie = sub.add_parser("animate", parents=[common], help="an MP4 or GIF of an output file")
    movie.add_argument("output_file", metavar="OUTPUT.nc", help="a simsuite NetCDF output")
    movie.add_argument(
        "--format", choices=("mp4", "gif"), help="default: mp4 if ffmpeg is found, else gif"
    )
    movie.add_argument("--output", help="target file (default: OUTPUT.<format> beside the file)")
    movie.add_argument("--fps", type=int, default=15, help="frames per second (default 15)")
    movie.add_argument(
        "--max-frames", type=int, default=200, help="most snapshots used (default 200)"
    )
    movie.add_argument("--dpi", type=int, default=100, help="100 gives 640 x 480 px (max 200)")
    movie.add_argument("--quiet", action="store_true", help="no progress bar")

    sweep = sub.add_parser(
        "sweep", parents=[common], help="run a parameter sweep or ensemble on Dask"
    )
    sweep.add_argument("sweep_file", metavar="SWEEP.toml", help="sweep file (docs: guide/sweeps)")
    sweep.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="address of a running Dask scheduler (default: local)",
    )
    sweep.add_argument(
        "--workers", type=int, metavar="N", help="local cluster: worker processes (default: cores)"
    )
    sweep.add_argument(
        "--outdir", metavar="DIR", help="output directory (default: outputs/sweeps/<sweep name>)"
    )
    sweep.add_argument("--resume", action="store_true", help="keep the runs whose file is complete")
    sweep.add_argument(
        "--max-runs",
        type=int,
        metavar="N",
        help="refuse a sweep of more than N runs, counted before anything is expanded "
        "(default 100000)",
    )
    sweep.add_argument("--quiet", action="store_true", help="no progress bar or summary")

    paper = sub.add_parser(
        "reproduce",
        parents=[common],
        help="reproduce a paper's figures and numbers (amangkurat, nlse, dewi-kadita)",
    )
    paper.add_argument("paper", nargs="?", metavar="PAPER", help="amangkurat, nlse or dewi-kadita")
    paper.add_argument("--list", action="store_true", help="list the papers and their figures")
    paper.add_argument(
        "--outdir",
        metavar="DIR",
        help="folder for figures, reports and runs (default: outputs/reproduce/PAPER)",
    )
    paper.add_argument("--quick", action="store_true", help="reduced sizes, in seconds")
    paper.add_argument(
        "--workers", type=int, default=1, metavar="N", help="processes running the cases"
    )
    paper.add_argument("--pdf", action="store_true", help="also write PDF figures")
    paper.add_argument("--quiet", action="store_true", help="no progress or summary")

    validate = sub.add_parser(
        "validate", parents=[common], help="check a config without running it"
    )
    validate.add_argument("config")
    validate.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``simsuite`` console script; returns the exit code."""
    args = _parser().parse_args(argv)
    handlers = {
        "run": _cmd_run,
        "list": _cmd_list,
        "show-config": _cmd_show_config,
        "validate": _cmd_validate,
        "analyze": _cmd_analyze,
        "sweep": _cmd_sweep,
        "plot": _cmd_plot,
        "animate": _cmd_animate,
        "reproduce": _cmd_reproduce,
    }
    # Outside a run, SIGINT raises KeyboardInterrupt (re-armed here: a command started in the
    # background of a script inherits SIGINT as ignored); during a run the runner stops cleanly.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return handlers[args.command](args)
    except (ConfigError, ExpressionError, FileNotFoundError) as exc:
        return _fail(args, exc, EXIT_BAD_INPUT)
    except KeyboardInterrupt as exc:
        return _fail(args, "interrupted (SIGINT); the output keeps every snapshot so far", 130, exc)
    finally:
        signal.signal(signal.SIGINT, previous)


def display_path(path: str | Path) -> str:
    """``path`` as a user should read it: relative to the current directory when it lies inside
    it, else absolute."""
    absolute = Path(path).resolve()
    try:
        return str(absolute.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(absolute)


def _fail(args, message, code: int, exc: BaseException | None = None) -> int:
    if args.debug:
        traceback.print_exception(exc if exc is not None else message)
    print(f"simsuite: error: {message}", file=sys.stderr)
    return code


def _overrides(pairs: list[str]) -> dict:
    return dict(parse_override(p) for p in pairs)


def _cmd_run(args) -> int:
    from simsuite.run_setup import memory_line
    from simsuite.runner import RunFailed, RunInterrupted, run

    if args.all == bool(args.config):
        raise ConfigError("simsuite run", "CONFIG", args.config, "give one config file or --all")
    if args.restart and (args.all or args.overwrite):
        raise ConfigError(
            "simsuite run", "--restart", args.restart, "takes one CONFIG, without --all/--overwrite"
        )
    paths = canonical_configs() if args.all else [Path(args.config)]
    names = [p.stem for p in paths] if args.all else [args.config]  # as the user should read them
    overrides = _overrides(args.set)
    configs = [load_config(p, overrides) for p in paths]  # validate everything before running
    failed = 0
    for name, cfg in zip(names, configs, strict=True):
        started = time.perf_counter()
        if not args.quiet:  # the estimate before the run (a run that does not fit is refused)
            where = args.restart or (args.output if args.output is not None else cfg.output.path)
            line = memory_line(cfg, in_memory=not where)
            if line:
                print(f"{name}: {line}", file=sys.stderr)
        try:
            ds = run(
                cfg,
                output=args.output,
                progress=False if args.quiet else None,
                overwrite=args.overwrite,
                restart=args.restart,
            )
        except RunFailed as exc:
            failed += 1
            _fail(args, f"{name}: run failed: {exc}", EXIT_FAILED, exc)
            continue
        except RunInterrupted as exc:
            return _fail(
                args,
                f"interrupted ({exc.name}); the output keeps every snapshot so far",
                128 + exc.signum,
                exc,
            )
        if not args.quiet:
            where = args.restart or (args.output if args.output is not None else cfg.output.path)
            target = f"wrote {display_path(where)}" if where else "kept in memory"
            print(
                f"{name}: {target} ({ds.sizes['t']} snapshots, "
                f"{time.perf_counter() - started:.2f} s)"
            )
    return EXIT_FAILED if failed else EXIT_OK


def _cmd_analyze(args) -> int:
    from simsuite.analyze import analyze, not_applicable, summary_table

    overrides = _overrides(args.set)
    for key in overrides:
        if not key.startswith("diagnostics."):
            raise ConfigError("--set", key, overrides[key], "analyze only takes diagnostics.* keys")
    ds = analyze(
        args.output_file,
        args.output,
        inplace=args.inplace,
        overwrite=args.overwrite,
        overrides=overrides,
    )
    if not args.quiet:
        new = {name: ds[name] for name in diagnostics_names(ds)}
        print(summary_table(new))
        for name, why in not_applicable(ds).items():
            print(f"not computed: {name} ({why})")
    print(f"wrote {display_path(ds.encoding['target'])}")
    return EXIT_OK


def _cmd_plot(args) -> int:
    from simsuite.plotting import load_output, save_figures

    if not 10 <= args.dpi <= 1200:
        raise ConfigError("simsuite plot", "--dpi", args.dpi, "an integer in [10, 1200]")
    path = Path(args.output_file)
    outdir = Path(args.outdir) if args.outdir else path.parent
    check_output_folder(outdir, str(path), "--outdir")
    ds = load_output(path)
    written = save_figures(ds, outdir, path.stem, pdf=args.pdf, dpi=args.dpi)
    if not args.quiet:
        print("\n".join(f"wrote {display_path(p)}" for p in written))
    return EXIT_OK


def _cmd_animate(args) -> int:
    from simsuite.plotting import load_output
    from simsuite.plotting.animation import animate, default_format

    path = Path(args.output_file)
    ds = load_output(path)
    fmt = args.format or default_format()
    target = Path(args.output) if args.output else path.with_suffix(f".{fmt}")
    check_output_file(target, str(path), "--output")
    written = animate(
        ds,
        target,
        fmt=fmt,
        fps=args.fps,
        max_frames=args.max_frames,
        dpi=args.dpi,
        progress=not args.quiet,
    )
    if not args.quiet:
        print(f"wrote {display_path(written)}")
    return EXIT_OK


def _cmd_sweep(args) -> int:
    from simsuite.sweep import sweep

    if args.workers is not None and args.workers < 1:
        raise ConfigError("--workers", "N", args.workers, "must be an integer >= 1")
    if args.max_runs is not None and args.max_runs < 1:
        raise ConfigError("--max-runs", "N", args.max_runs, "must be an integer >= 1")
    limit = {} if args.max_runs is None else {"max_runs": args.max_runs}
    ds = sweep(
        args.sweep_file,
        outdir=args.outdir,
        scheduler=args.scheduler,
        workers=args.workers,
        resume=args.resume,
        progress=not args.quiet,
        **limit,
    )
    a = ds.attrs
    pairs = zip(ds["status"].values.ravel(), ds["run_hash"].values.ravel(), strict=True)
    unfinished = [f"{run_hash} {status}" for status, run_hash in pairs if status != "complete"]
    if unfinished:
        more = len(unfinished) - 5
        shown = ", ".join(unfinished[:5]) + (f" and {more} more" if more > 0 else "")
        print(f"simsuite: runs not complete: {shown} (errors in manifest.csv)", file=sys.stderr)
    if not args.quiet:
        print(
            f"{args.sweep_file}: {a['n_runs']} runs ({a['n_complete']} complete, {a['n_reused']} "
            f"reused, {a['n_failed']} failed, {a['n_skipped']} skipped) in {a['wall_time_s']:.1f} s; "
            f"wrote {display_path(Path(a['outdir']) / 'summary.nc')}"
        )
    return EXIT_FAILED if unfinished else EXIT_OK


def _cmd_reproduce(args) -> int:
    from simsuite.papers import get_paper, paper_names, reproduce

    if args.list:
        for name in paper_names():
            paper = get_paper(name)
            print(f"{name}: {paper.title}")
            print(f"  figures: {', '.join(paper.figures)}")
        return EXIT_OK
    if not args.paper:
        raise ConfigError(
            "simsuite reproduce",
            "PAPER",
            None,
            "one of " + ", ".join(paper_names()) + " (or --list)",
        )
    outdir = args.outdir or str(Path("outputs") / "reproduce" / args.paper)
    report = reproduce(
        args.paper,
        outdir,
        quick=args.quick,
        workers=args.workers,
        pdf=args.pdf,
        progress=not args.quiet,
    )
    if not args.quiet:
        for name in report.figures:
            print(f"wrote {display_path(Path(outdir) / (name + '.png'))}")
        print(f"wrote {display_path(Path(outdir) / 'report.md')}, report.json beside it")
    return EXIT_OK


def diagnostics_names(ds) -> list[str]:
    """Variables that ``analyze`` added (from the history line it writes)."""
    line = str(ds.attrs.get("history", "")).splitlines()[-1]
    return [n.strip() for n in line.split("added", 1)[-1].split(",") if n.strip() in ds]


def _cmd_validate(args) -> int:
    cfg = load_config(args.config, _overrides(args.set))
    from simsuite.models import get_model

    get_model(cfg.model.name).from_config(cfg)  # initial conditions and grid build without error
    print(
        f"{args.config}: valid {cfg.model.name} config ({cfg.integrator.method}, "
        f"{cfg.time.n_snapshots} snapshots to t = {cfg.time.t_final:g})"
    )
    return EXIT_OK


def _cmd_list(args) -> int:
    from simsuite.integrators import get_integrator
    from simsuite.models import get_model, model_names

    for name in model_names():
        model = get_model(name)
        print(f"model {name}: {model.description}")
        print("  integrators:")
        for method in model.integrators:
            cls = get_integrator(method)
            kind = "adaptive" if cls.adaptive else "fixed step"
            print(f"    {method:<14} order {cls.order}, {kind}: {cls.description}")
        for section, base in _polymorphic_sections(model.config_class):
            print(f"  {section} types: {', '.join(sorted(base.registry))}")
    print("canonical configs (simsuite run --all):")
    for path in canonical_configs():
        print(f"  {path.stem}")
    return EXIT_OK


def _polymorphic_sections(config_class) -> list[tuple[str, type]]:
    import typing

    hints = typing.get_type_hints(config_class)
    return [
        (name, kind)
        for name, kind in hints.items()
        if isinstance(kind, type) and issubclass(kind, Polymorphic)
    ]


def _cmd_show_config(args) -> int:
    from simsuite.models import model_names

    names = [args.model] if args.model else model_names()
    for name in names:
        if name not in model_names():
            raise ConfigError(
                "show-config", "MODEL", name, "must be one of " + ", ".join(model_names())
            )
    print(config_reference(names, markdown=args.markdown), end="")
    return EXIT_OK


def config_reference(names: Sequence[str], markdown: bool = False) -> str:
    """Every key of the given models' configs, as aligned text or as Markdown tables."""
    from simsuite.models import get_model

    lines: list[str] = []
    if markdown:
        lines += [
            "# Config reference",
            "",
            "Generated by `simsuite show-config --markdown`; do not edit by hand.",
            "",
        ]
    for name in names:
        rows = describe(get_model(name).config_class)
        if markdown:
            lines += [
                f"## `{name}`",
                "",
                "| key | default | unit | allowed | description |",
                "|---|---|---|---|---|",
            ]
            for r in rows:
                doc = r.doc.replace("|", "\\|")
                allowed = r.allowed.replace("|", "\\|")
                lines.append(f"| `{r.key}` | `{r.default!r}` | {r.unit} | {allowed} | {doc} |")
            lines.append("")
        else:
            lines.append(f"[{name}]")
            for r in rows:
                unit = f" [{r.unit}]" if r.unit and r.unit != "1" else ""
                lines.append(f"  {r.key} = {r.default!r}{unit}")
                lines.append(f"      {r.allowed}. {r.doc}")
            lines.append("")
    return "\n".join(lines) + "\n"
