"""How the demo council handles each information asset through its life, breaches included.

Most practices follow the post-2008 handling rules (encrypt, mark, agree before sharing, dispose
securely). A few break them, as real registers do, so the handling-rule check and the review
agenda have findings to show.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from typing import Any

from ..model import AssetStatus, AssetType, HandlingChannel, HandlingPractice, HandlingStage
from .assets import AssetInfo
from .context import Build, versioned
from .names import THIRD_PARTIES

_S, _C = HandlingStage, HandlingChannel


class Breach(Enum):
    """The classic findings of a council's handling-rules check."""

    UNENCRYPTED_MEDIA = "OFFICIAL-SENSITIVE personal data on unencrypted removable media"
    NO_AGREEMENT = "shared with a third party without a data-sharing agreement"
    SPECIAL_BY_EMAIL = "special-category data sent by ordinary e-mail"

    def fits(self, asset: AssetInfo) -> bool:
        if self is Breach.UNENCRYPTED_MEDIA:
            return asset.personal and asset.marking_rank >= 2
        if self is Breach.SPECIAL_BY_EMAIL:
            return asset.special
        return asset.personal


@dataclass(frozen=True)
class BreachFound:
    practice_id: int
    asset: AssetInfo
    breach: Breach


#: Chance that an eligible asset shows each breach (on top of one guaranteed of each kind).
BREACH_RATE = 0.02

#: Channels for transfers, weighted by how sensitive the information is (marking rank, special).
_CHANNELS: dict[str, tuple[tuple[HandlingChannel, int], ...]] = {
    "special": ((_C.SECURE_EMAIL, 45), (_C.PORTAL, 35), (_C.COURIER, 10), (_C.PAPER, 10)),
    "sensitive": ((_C.SECURE_EMAIL, 40), (_C.PORTAL, 30), (_C.REMOVABLE_MEDIA, 15),
                  (_C.COURIER, 15)),
    "official": ((_C.EMAIL, 50), (_C.SECURE_EMAIL, 15), (_C.PORTAL, 20), (_C.PAPER, 15)),
}
_CHANNEL_SAFEGUARDS: dict[HandlingChannel, tuple[str, ...]] = {
    _C.EMAIL: (),
    _C.SECURE_EMAIL: ("encrypted",),
    _C.PORTAL: ("encrypted", "access-controlled"),
    _C.REMOVABLE_MEDIA: ("encrypted",),
    _C.COURIER: ("tracked", "sealed"),
    _C.PAPER: ("sealed",),
}
_CHANNEL_WORDS: dict[HandlingChannel, str] = {
    _C.EMAIL: "Sent to colleagues and partners by e-mail",
    _C.SECURE_EMAIL: "Sent to partner agencies by secure e-mail",
    _C.PORTAL: "Exchanged through the partner portal",
    _C.REMOVABLE_MEDIA: "Copied to an encrypted USB stick for court or tribunal bundles",
    _C.COURIER: "Sent by tracked courier in sealed bags",
    _C.PAPER: "Posted as paper copies in sealed envelopes",
}


class _HandlingWriter:
    def __init__(self, build: Build, first_id: int) -> None:
        self.build = build
        self.rng: random.Random = build.rng("handling")
        self.next_id = first_id
        self.breaches: list[BreachFound] = []
        self._pending = set(Breach)  # kinds not yet shown: the first eligible asset gets one

    def rows(self, assets: list[AssetInfo]) -> Iterator[dict[str, Any]]:
        for asset in assets:
            if asset.kind is AssetType.INFORMATION and asset.status is not AssetStatus.RETIRED:
                yield from self._practices(asset)

    def _row(self, asset: AssetInfo, stage: HandlingStage, description: str, *,
             channel: HandlingChannel | None = None, safeguards: tuple[str, ...] = (),
             third_party: str = "", has_agreement: bool | None = None,
             retention_months: int | None = None) -> dict[str, Any]:
        marked = ("marked",) if asset.marking_rank and stage is not _S.DISPOSED else ()
        row = versioned(
            asset.created, id=self.next_id, asset_id=asset.id, stage=stage,
            channel=channel, safeguards=[*safeguards, *marked], description=description,
            third_party=third_party, has_agreement=has_agreement,
            retention_months=retention_months, offshore=False,
        )
        self.next_id += 1
        return row

    def _practices(self, asset: AssetInfo) -> Iterator[dict[str, Any]]:
        rng = self.rng
        if rng.random() < 0.7:
            yield self._row(asset, _S.COLLECTED, "Collected from residents, staff or partners",
                            safeguards=("privacy-notice",) if asset.personal else ())
        encrypted = rng.random() < (0.9 if asset.personal else 0.5)
        yield self._row(asset, _S.STORED, "Held in the service's system and network folders",
                        safeguards=("access-controlled", "encrypted") if encrypted
                        else ("access-controlled",))
        if rng.random() < 0.8:
            tier = ("special" if asset.special
                    else "sensitive" if asset.marking_rank >= 2 else "official")
            channels, weights = zip(*_CHANNELS[tier], strict=True)
            channel = rng.choices(channels, weights)[0]
            yield self._row(asset, _S.TRANSFERRED, _CHANNEL_WORDS[channel], channel=channel,
                            safeguards=_CHANNEL_SAFEGUARDS[channel])
        if rng.random() < (0.35 if asset.personal else 0.15):
            party = rng.choice(THIRD_PARTIES)
            yield self._row(asset, _S.SHARED, f"Shared with {party} under a data-sharing agreement",
                            channel=rng.choice((_C.SECURE_EMAIL, _C.PORTAL)),
                            safeguards=("agreement", "encrypted"), third_party=party,
                            has_agreement=True)
        if rng.random() < 0.7:
            yield self._row(asset, _S.RETAINED, "Kept as the council's retention schedule says",
                            retention_months=asset.retention_months)
        if rng.random() < 0.5:
            yield self._row(asset, _S.DISPOSED,
                            "Shredded or wiped by the council's disposal contractor",
                            safeguards=("secure-disposal",))
        yield from self._breaches(asset)

    def _breaches(self, asset: AssetInfo) -> Iterator[dict[str, Any]]:
        for breach in Breach:
            if not breach.fits(asset):
                continue
            if breach not in self._pending and self.rng.random() >= BREACH_RATE:
                continue
            self._pending.discard(breach)
            self.breaches.append(BreachFound(self.next_id, asset, breach))
            yield self._breach_row(asset, breach)

    def _breach_row(self, asset: AssetInfo, breach: Breach) -> dict[str, Any]:
        if breach is Breach.UNENCRYPTED_MEDIA:
            return self._row(asset, _S.TRANSFERRED,
                             "Copied to a personal, unencrypted USB stick to work on at home",
                             channel=_C.REMOVABLE_MEDIA)
        if breach is Breach.SPECIAL_BY_EMAIL:
            return self._row(asset, _S.TRANSFERRED,
                             "Case notes sent to a partner's personal address by ordinary e-mail",
                             channel=_C.EMAIL)
        party = self.rng.choice(THIRD_PARTIES)
        return self._row(asset, _S.SHARED,
                         f"Sent to {party} on request; no data-sharing agreement in place",
                         channel=_C.SECURE_EMAIL, safeguards=("encrypted",), third_party=party,
                         has_agreement=False)


def build_handling(build: Build, assets: list[AssetInfo]) -> list[BreachFound]:
    """Writes the practices; returns the breaching ones for the review agenda."""
    writer = _HandlingWriter(build, build.next_id(HandlingPractice))
    # The total is known only once the rows are drawn: estimate it for the progress bar.
    estimate = sum(1 for a in assets if a.kind is AssetType.INFORMATION) * 4
    build.insert(HandlingPractice, writer.rows(assets), stage="handling", total=estimate)
    return writer.breaches
