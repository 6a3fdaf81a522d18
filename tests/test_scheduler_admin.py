"""The Scheduled jobs page: the list, the run log, "run now" and switching a job off."""
import pytest
from sqlalchemy import select

from core.services.models import JobRun, JobState
from core.services.scheduler import Job
from core.testing import csrf_from
from tests.service_workers import TICK_JOB

PAGE = "/admin/jobs/"


def fail(session):
    raise ValueError("the exchange-rate service did not answer")


@pytest.fixture
def jobs(kernel):
    failing = Job("core.test_fail", "0 6 * * *", fail, "Fetch exchange rates")
    for job in (TICK_JOB, failing):
        kernel.jobs[job.name] = job
    yield
    for job in (TICK_JOB, failing):
        kernel.jobs.pop(job.name)


def test_the_list_shows_every_job_with_its_next_run(admin_client, jobs):
    html = admin_client.get(PAGE).get_data(as_text=True)
    assert 'data-job="core.prune_job_runs"' in html and "Prune the job log" in html
    assert 'data-job="core.test_fail"' in html and "<code>0 6 * * *</code>" in html
    assert "No job has run yet." in html


def test_run_now_runs_the_job_and_logs_who_asked(admin_client, kernel, jobs):
    csrf = csrf_from(admin_client.get(PAGE).get_data(as_text=True))
    response = admin_client.post(PAGE + "run/", data={"csrf_token": csrf, "name": TICK_JOB.name})
    assert response.status_code == 302
    html = admin_client.get(PAGE).get_data(as_text=True)
    assert "The job ran successfully. tick 1" in html
    with kernel.system_session() as s:
        run = s.execute(select(JobRun).where(JobRun.job == TICK_JOB.name)).scalar_one()
        assert (run.status, run.trigger, run.started_by) == ("ok", "manual", "admin")


def test_a_failed_run_shows_its_error(admin_client, jobs):
    csrf = csrf_from(admin_client.get(PAGE).get_data(as_text=True))
    admin_client.post(PAGE + "run/", data={"csrf_token": csrf, "name": "core.test_fail"})
    html = admin_client.get(PAGE).get_data(as_text=True)
    assert "The job failed; the error is in the run log below." in html
    assert 'data-status="failed"' in html and "the exchange-rate service did not answer" in html


def test_switching_a_job_off_and_on(admin_client, kernel, jobs):
    csrf = csrf_from(admin_client.get(PAGE).get_data(as_text=True))
    admin_client.post(PAGE + "toggle/", data={"csrf_token": csrf, "name": TICK_JOB.name, "enabled": "0"})
    with kernel.system_session() as s:
        assert s.get(JobState, TICK_JOB.name).enabled is False
    admin_client.post(PAGE + "toggle/", data={"csrf_token": csrf, "name": TICK_JOB.name, "enabled": "1"})
    with kernel.system_session() as s:
        assert s.get(JobState, TICK_JOB.name).enabled is True


def test_readers_may_look_but_not_run_or_switch(client_as, make_user, kernel, jobs):
    reader = client_as(make_user("reader", permissions=["core.job.read"]))
    html = reader.get(PAGE).get_data(as_text=True)
    assert 'data-job="core.test_fail"' in html and "Run now" not in html and "Switch off" not in html
    csrf = csrf_from(reader.get("/login").get_data(as_text=True))
    assert reader.post(PAGE + "run/", data={"csrf_token": csrf, "name": TICK_JOB.name}).status_code == 403
    assert reader.post(PAGE + "toggle/", data={"csrf_token": csrf, "name": TICK_JOB.name,
                                               "enabled": "0"}).status_code == 403
    with kernel.system_session() as s:
        assert s.execute(select(JobRun)).first() is None
        assert s.get(JobState, TICK_JOB.name).enabled is True
    assert client_as(make_user("outsider", permissions=["core.setting.read"])).get(PAGE).status_code == 403


def test_page_in_chinese(admin_client, jobs):
    with admin_client.session_transaction() as sess:
        sess["locale"] = "zh_Hans"
    html = admin_client.get(PAGE).get_data(as_text=True)
    assert "定时任务" in html and "立即运行" in html and "清理任务运行日志" in html
