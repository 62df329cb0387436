"""``minyi process``: messages left unprocessed get the same processing as in the server."""

from __future__ import annotations

from click.testing import CliRunner
from sqlalchemy import select
from tests.functional.conftest import cli_database

from minyi.analysis.models import MessageAnalysis
from minyi.cli.main import cli
from minyi.demo import factories
from minyi.intake import services as intake
from minyi.intake.models import Message, ProcessingState


def test_process_runs_the_pipeline_on_stored_messages(tmp_path, monkeypatch):
    with cli_database(tmp_path, monkeypatch, "minyi_process_cli") as database:
        with database.transaction() as session:
            for n in range(3):
                data = factories.make_message_in(title=f"路灯不亮{n}", body=f"第{n}盏路灯坏了一周")
                intake.accept(session, data, channel="api", key="k")
        result = CliRunner().invoke(cli, ["process"])
        assert result.exit_code == 0, result.output
        assert "processed 3 messages, 0 failed" in result.output
        with database.session() as session:
            assert {m.state for m in session.scalars(select(Message))} == {ProcessingState.PROCESSED}
            analyses = list(session.scalars(select(MessageAnalysis)))
            assert len(analyses) == 3  # analysed, not only given a case
            assert all(a.appeal_kind for a in analyses)
