from datetime import date

from petitions.choices import Category, Channel
from petitions.models import Subject
from petitions.services.registration import petition_register


def subject(name="土地征收"):
    # migration 0002 creates the shared subjects; a transactional test's flush removes them
    return Subject.objects.get_or_create(township=None, name=name)[0]


def register_petition(
    *,
    township,
    by=None,
    received_on=date(2026, 11, 2),
    phone="13812345678",
    id_number="320102197503081234",
    title="土地补偿款未足额发放",
    subject_name="土地征收",
    channel=Channel.LETTER,
    **kwargs,
):
    """A registered petition through the service (starts the acceptance clock)."""
    values = dict(
        township=township,
        by=by,
        channel=channel,
        category=Category.APPEAL,
        subject=subject(subject_name),
        title=title,
        address="青山镇东风村3组",
        request="请求足额发放土地补偿款",
        facts="2025年征地后补偿款少发2万元",
        received_on=received_on,
        petitioner_name="王大山",
        phone=phone,
        id_number=id_number,
    )
    values.update(kwargs)
    petition, _code = petition_register(**values)
    return petition
