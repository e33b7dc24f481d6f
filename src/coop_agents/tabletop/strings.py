"""English and 简体中文 words of the drill: its page, its debrief and its command.

>>> t("kind.approve_state", "zh"), choice_label("request_state", "emergency", "en")
('审批状态转换', 'Ask for emergency')
"""

from __future__ import annotations

from typing import Any

from coop_agents.governance import GovernanceState
from coop_agents.i18n import state_label as app_state_label
from coop_agents.i18n.strings import TEXTS as APP_TEXTS

__all__ = ["LANGS", "TEXTS", "choice_label", "kind_label", "message_label", "state_label", "t"]

LANGS = ("en", "zh")

# Words the app already has (the same English and Chinese) are taken from it, not copied.
TEXTS: dict[str, tuple[str, str]] = {
    # kinds of decision
    "kind.request_state": ("Governance state", "申请状态转换"),
    "kind.approve_state": ("Answer a request", "审批状态转换"),
    "kind.stand_down": ("End the alert", "解除警戒"),
    "kind.deescalate": ("Withdraw measures by a stage", "分阶段撤除措施"),
    "kind.measures": ("Measures in the community", "社区防控措施"),
    "kind.warn": ("Warn residents", "向居民发布预警"),
    "kind.own_task": ("Boundary tasks", "边界任务"),
    "kind.request_resources": ("Ask for supplies", "申请物资"),
    "kind.dispatch": ("Deliver supplies asked for", "调拨所申请物资"),
    "kind.street_alert": ("Raise the street's alert", "街道发布预警"),
    "kind.assign_owner": ("Assign an owner", "指定责任主体"),
    "kind.command_order": ("Order from the command", "指挥部指令"),
    "kind.set_level": ("The district's response level", "辖区响应级别"),
    # choices
    "choice.pre_transition": ("Ask for pre-transition", "申请进入前转换态"),
    "choice.emergency": ("Ask for emergency", "申请进入应急态"),
    "choice.post_transition": ("Ask for post-transition", "申请进入后转换态"),
    "choice.hold": ("Hold", "暂不行动"),
    "choice.approve": ("Approve", "批准"),
    "choice.refuse": ("Refuse", "不批准"),
    "choice.pass_back": ("Pass back unanswered", "退回不处理"),
    "choice.normal": ("Back to normal", "恢复常态"),
    "choice.next_stage": ("Next stage", "进入下一阶段"),
    "choice.warn": ("Warn", "发布预警"),
    "choice.silent": ("Stay silent", "不发布"),
    "choice.own_now": ("Take them on now", "立即承接"),
    "choice.pass_on": ("Pass them on", "转交他人"),
    "choice.request": ("Request", "提出申请"),
    "choice.dispatch": ("Dispatch", "调拨"),
    "choice.raise": ("Raise", "发布"),
    "choice.assign": ("Assign", "指定"),
    "choice.order": ("Order", "下达"),
    "choice.own_authority": ("(own decision)", "（自行决定）"),
    "measures.none": ("none", "不采取"),
    "measures.full": ("full", "全面"),
    # states: the governance states' names, as the app writes them
    **{
        f"state.{s.name.lower()}": (app_state_label(s, "en"), app_state_label(s, "zh"))
        for s in GovernanceState
    },
    # messages
    "msg.report": ("report", "情况报告"),
    "msg.request": ("request for a state change", "状态转换申请"),
    "msg.decision": ("answer", "审批答复"),
    "msg.alert": ("alert", "预警通报"),
    "msg.resource_request": ("request for supplies", "物资申请"),
    "msg.delivery": ("delivery", "物资送达"),
    "msg.approved": ("approved: {state}", "批准：{state}"),
    "msg.not_approved": ("not approved: {state}", "未批准：{state}"),
    "msg.risk": ("risk {value}", "风险 {value}"),
    "msg.amount": ("{value} units", "{value} 单位"),
    # the page
    "page.title": ("Tabletop drill", "桌面推演"),
    "page.intro": (
        "Officials play their roles on their own devices; the model plays residents, the hazard and "
        "every other role by the pattern's rules. The facilitator starts a drill and hands out codes.",
        "各岗位人员在自己的设备上扮演角色；居民、风险及其余所有角色由模型按所选模式的规则扮演。"
        "主持人创建推演并分发代码。",
    ),
    "join.title": ("Join a drill", "加入推演"),
    "join.room": ("Room code", "房间代码"),
    "join.code": ("Your role's code", "角色代码"),
    "join.name": ("Your name", "你的姓名"),
    "join.button": ("Join", "加入"),
    "join.wrong": (
        "Wrong code: check the room code and your role's code with the facilitator.",
        "代码错误：请向主持人核对房间代码和角色代码。",
    ),
    "join.help": (
        "Only holders of a code can join. Your page shows only what your role knows.",
        "只有持代码者才能加入。你的页面只显示你的角色所掌握的信息。",
    ),
    "create.title": ("Start a drill (facilitator)", "创建推演（主持人）"),
    "create.scenario": APP_TEXTS["scenario"],
    "create.pattern": ("Institutional setting (pattern)", "制度环境（协同模式）"),
    "create.seed": APP_TEXTS["seed"],
    "create.residents": ("Residents", "居民人数"),
    "create.turn": ("Turn length", "每轮时长"),
    "create.turn.half": ("Half a day", "半天"),
    "create.turn.day": ("One day", "一天"),
    "create.turn.days": ("{n} days", "{n}天"),
    "create.days": ("Days played", "推演天数"),
    "create.days.help": (
        "After these days the model plays the rest of the event by the pattern's rules.",
        "推演天数结束后，由模型按该模式的规则完成事件的剩余部分。",
    ),
    "create.limit": ("Time per turn (seconds)", "每轮决策时限（秒）"),
    "create.default": ("An undecided decision takes", "未作决定时采用"),
    "default.nothing": ("Do nothing", "不行动"),
    "default.rules": ("The rules' choice", "规则的选择"),
    "create.hints": ("Show the rules' suggestion as a hint", "显示规则建议作为提示"),
    "create.roles": ("Roles played by people", "由人员扮演的角色"),
    "create.roles.help": ("Every role nobody takes is played by the model.", "无人扮演的角色由模型扮演。"),
    "create.button": ("Create the drill", "创建推演"),
    "create.none": ("Choose at least one role.", "请至少选择一个角色。"),
    "reopen.title": ("Open a drill's console", "打开推演控制台"),
    "reopen.help": (
        "After a restart, a drill continues from its log: give its room code and the facilitator's code.",
        "服务重启后，推演可从日志继续：输入房间代码和主持人代码。",
    ),
    "reopen.code": ("Facilitator's code", "主持人代码"),
    "reopen.button": ("Open", "打开"),
    "reopen.wrong": ("No drill with these codes.", "没有与这些代码相符的推演。"),
    "turn": ("Turn {turn}", "第{turn}轮"),
    "turn.of": ("Turn {turn} of {turns}", "第{turn}轮 / 共{turns}轮"),
    "day": ("Day {day}", "第{day}天"),
    "day.morning": ("Day {day}, morning", "第{day}天 上午"),
    "day.afternoon": ("Day {day}, afternoon", "第{day}天 下午"),
    "days": ("Days {first}–{last}", "第{first}–{last}天"),
    "time.left": ("{seconds} s left", "剩余 {seconds} 秒"),
    "time.paused": ("Timer paused", "计时已暂停"),
    "time.none": ("No time limit", "不限时"),
    "time.waiting": ("Waiting for the facilitator to start", "等待主持人开始"),
    "role": ("Your role", "你的角色"),
    "room": ("Room {code}", "房间 {code}"),
    "inbox": ("Inbox", "收件箱"),
    "inbox.empty": ("No messages today.", "今天没有消息。"),
    "inbox.earlier": ("Earlier days", "此前几天"),
    "situation": ("Your situation", "当前情况"),
    "community": APP_TEXTS["axis.community"],
    "col.state": ("State", "状态"),
    "col.level": ("Measures", "措施强度"),
    "col.perceived": ("Perceived risk", "感知风险"),
    "col.reported": ("Reported risk", "上报风险"),
    "col.capacity": ("Can help / day", "每日可帮扶"),
    "col.pending": ("Asked for", "已申请"),
    "col.residents": ("Residents", "居民"),
    "col.history": ("Perceived risk, last days", "近几日感知风险"),
    "stock": ("Supplies in stock: {stock} units", "库存物资：{stock} 单位"),
    "owed": ("Requests for supplies waiting", "待处理的物资申请"),
    "owed.item": ("{asker}: {amount} units for {community}", "{asker}：为{community}申请 {amount} 单位"),
    "risk.help": (
        "Risk is shown as a multiple of the critical point (1 = critical).",
        "风险以临界点的倍数表示（1 = 临界）。",
    ),
    "decisions": ("Your decisions this turn", "本轮决策"),
    "decisions.none": ("Nothing waits for your decision this turn.", "本轮没有需要你决定的事项。"),
    "hint": ("Rules suggest: {choice}", "规则建议：{choice}"),
    "note": ("Note for the debrief (optional)", "复盘备注（可选）"),
    "submit": ("Submit", "提交"),
    "submitted": ("Submitted. Waiting for the others or the timer.", "已提交，等待其他人或计时结束。"),
    "change": ("You may change your answers until the turn ends.", "本轮结束前仍可修改。"),
    "over": ("The drill is over. The facilitator leads the debrief.", "推演结束，由主持人主持复盘。"),
    "injects.received": ("Inject", "情景注入"),
    "console": ("Facilitator's console", "主持人控制台"),
    "console.codes": ("Codes to hand out", "分发的代码"),
    "console.room": ("Room code: {code}", "房间代码：{code}"),
    "console.facilitator": (
        "Facilitator's code (to reopen this console): {code}",
        "主持人代码（用于重新打开控制台）：{code}",
    ),
    "console.log": ("Log: {path}", "日志：{path}"),
    "col.role": ("Role", "角色"),
    "col.code": ("Code", "代码"),
    "col.player": ("Player", "人员"),
    "col.submitted": ("Submitted", "已提交"),
    "col.waiting": ("Decisions", "待决事项"),
    "yes": ("yes", "是"),
    "no": ("no", "否"),
    "nobody": ("(nobody yet)", "（尚无人加入）"),
    "truth": ("True state (hidden from players)", "真实状态（对推演人员隐藏）"),
    "col.true_risk": ("True risk", "真实风险"),
    "col.harmed": ("Harmed", "受影响"),
    "truth.total": (
        "Residents harmed so far: {harm}; prevalence {prevalence}",
        "累计受影响居民：{harm}；当前患病率 {prevalence}",
    ),
    "start": ("Start", "开始"),
    "pause": APP_TEXTS["pause"],
    "resume": ("Resume", "继续"),
    "extend": ("+30 s", "+30 秒"),
    "advance": ("End the turn now", "立即结束本轮"),
    "limit.set": ("Set the time limit", "设定时限"),
    "hints.on": ("Hints shown", "显示提示"),
    "default.label": ("Default for undecided decisions", "未决事项默认"),
    "inject.title": ("Fire an inject", "发布情景注入"),
    "inject.which": ("Inject", "注入事件"),
    "inject.target": ("Target", "对象"),
    "inject.fire": ("Fire", "发布"),
    "inject.fired": ("Injects fired", "已发布的注入"),
    "inject.none": ("None yet.", "尚无。"),
    "finish": ("End the drill (the model plays the rest)", "结束推演（由模型完成剩余部分）"),
    "debrief": ("Debrief", "复盘"),
    "debrief.running": (
        "Running every pattern on the same outbreak and replaying the key turns…",
        "正在以同一疫情运行各模式并重放关键轮次……",
    ),
    "debrief.export": ("Export the debrief ({language})", "导出复盘报告（{language}）"),
    "debrief.failed": ("The debrief failed: {error}", "复盘失败：{error}"),
    "lang.en": ("English", "英文"),
    "lang.zh": ("Chinese", "中文"),
    # the debrief
    "d.title": ("Tabletop drill: after-action report", "桌面推演评估报告"),
    "d.subtitle": (
        "{scenario} · setting: {pattern} · seed {seed} · {date}",
        "{scenario} · 制度环境：{pattern} · 随机种子 {seed} · {date}",
    ),
    "d.setup": ("The drill", "推演概况"),
    "d.setup.text": (
        "People played {roles}; the model played residents, the hazard and every other role by the rules "
        "of {pattern}. {turns} turns of {turn_len} were played (days 1 to {last}); the model then played "
        "the rest of the event by the rules. Undecided decisions took: {default}.",
        "由人员扮演：{roles}；居民、风险及其余所有角色由模型按{pattern}的规则扮演。共进行{turns}轮、"
        "每轮{turn_len}（第1至{last}天），此后由模型按规则完成事件的剩余部分。未作决定的事项采用：{default}。",
    ),
    "d.players": ("Players", "参演人员"),
    "d.outcomes": (
        "Outcomes: your team beside every pattern on the same outbreak",
        "结果：你们的团队与各模式在同一疫情下的对比",
    ),
    "d.outcomes.help": (
        "Every column faces the same district, the same outbreak draws and the same injects; only "
        "the decisions differ. Bold: the best value of the row.",
        "各列面对相同的辖区、相同的疫情随机数和相同的注入事件，只有决策不同。粗体为该行最佳值。",
    ),
    "d.team": ("Your team", "你们的团队"),
    "d.headline": (
        "Your team: {harm} residents harmed. The rules of {pattern} on the same outbreak: {rules}. "
        "Fewest harmed: {best} ({best_harm}).",
        "你们的团队：{harm}名居民受影响。同一疫情下{pattern}的规则：{rules}名。受影响最少：{best}（{best_harm}名）。",
    ),
    "d.timeline": ("Timeline: the team's decisions against the true risk", "时间线：团队决策与真实风险"),
    "d.timeline.help": (
        "Lines: each community's true risk (never shown to players), 1 = the critical point. "
        "Marks: the team's decisions that acted (triangles) and the injects (diamonds).",
        "曲线：各社区的真实风险（推演中从未向人员显示），1 = 临界点。"
        "标记：团队采取行动的决策（三角）与注入事件（菱形）。",
    ),
    "d.communities": ("Community by community", "逐社区情况"),
    "col.critical": ("Critical point reached", "达到临界点"),
    "col.alert": ("Risk real (alert threshold)", "风险成真（预警阈值）"),
    "col.acted": ("Team acted", "团队行动"),
    "col.first_measure": ("First measures", "首次采取措施"),
    "col.missed": ("Missed window", "错失窗口"),
    "col.bounced": ("Requests not approved", "未获批准的申请"),
    "never": ("never", "从未"),
    "d.key": ("The decisions that mattered most", "影响最大的决策"),
    "d.key.help": (
        "Each turn in which the team chose otherwise than the rules was played again with the rules' "
        "choices for that turn (the team's other decisions kept): the difference is what that turn's "
        "decisions did.",
        "对团队选择与规则不同的每一轮，以该轮采用规则的选择重新推演（团队的其他决策不变）：两者之差即该轮决策的作用。",
    ),
    "d.key.row": (
        "{when}: {decisions}. With the rules' choices instead, {harm_delta} residents harmed ({sign}).",
        "{when}：{decisions}。若改为规则的选择，受影响居民{harm_delta}名（{sign}）。",
    ),
    "d.key.worse": ("the team's choice cost more harm", "团队的选择造成了更多伤害"),
    "d.key.better": ("the team's choice spared harm", "团队的选择减少了伤害"),
    "d.key.same": ("no difference in harm", "伤害没有差别"),
    "d.key.none": (
        "The team chose as the rules would on every turn; no decision stands out.",
        "团队每一轮的选择都与规则相同，没有突出的决策。",
    ),
    "d.decisions": (
        "The team's decisions (where they differ from the rules or act)",
        "团队的决策（与规则不同或采取行动者）",
    ),
    "col.when": ("When", "时间"),
    "col.decision": ("Decision", "决策"),
    "col.choice": ("Choice", "选择"),
    "col.rules": ("Rules' choice", "规则的选择"),
    "col.how": ("How", "方式"),
    "how.answered": ("answered", "人员作答"),
    "how.default": ("default (undecided)", "默认（未作决定）"),
    "d.decisions.none": ("No decision differed from the rules or acted.", "没有与规则不同或采取行动的决策。"),
    "d.msel": ("Injects: what was expected and what happened", "注入事件：预期行动与实际情况"),
    "col.inject": ("Inject", "注入事件"),
    "col.expected": ("Expected action", "预期行动"),
    "col.happened": ("Happened", "实际情况"),
    "col.gap": ("Gap", "差距"),
    "msel.met": ("yes, day {day}", "是，第{day}天"),
    "msel.missed": ("no", "否"),
    "msel.model": ("played by the model", "由模型扮演"),
    "msel.gap": ("{days} days after the inject", "注入后{days}天"),
    "d.msel.none": ("No inject was fired.", "未发布注入事件。"),
    "d.notes": ("Players' notes", "参演人员备注"),
    "d.plan": ("Improvement plan (to fill in together)", "改进计划（共同填写）"),
    "d.plan.help": (
        "One row per gap found above: what happened, what was expected, the improvement and who owns it "
        "(the paper's 学习 action, closing the loop).",
        "上文发现的每一项差距占一行：实际情况、预期、改进措施及责任人（即“学习”环节，形成闭环）。",
    ),
    "plan.missed": ("Measures on before the risk reaches the critical point", "在风险达到临界点之前采取措施"),
    "col.what": ("What happened", "实际情况"),
    "col.improvement": ("Improvement", "改进措施"),
    "col.owner": ("Owner", "责任人"),
    "col.due": ("By when", "完成时间"),
    "d.reproduce": ("Reproduce", "复现"),
    "d.reproduce.text": (
        "This report is rebuilt from the drill's log, exactly, by:",
        "以下命令可由推演日志精确重建本报告：",
    ),
    "d.versions": (
        "Made with coop-agents {version}; the log was written by coop-agents {log_version}.",
        "由 coop-agents {version} 生成；日志由 coop-agents {log_version} 写入。",
    ),
    "d.turn_len.half": ("half a day", "半天"),
    "d.turn_len.day": ("one day", "一天"),
    "d.turn_len.days": ("{n} days", "{n}天"),
    "d.roles.none": ("nobody", "无"),
}

_CHOICE_KEYS = {
    "approve",
    "refuse",
    "pass_back",
    "hold",
    "pre_transition",
    "emergency",
    "post_transition",
    "normal",
    "next_stage",
    "warn",
    "silent",
    "own_now",
    "pass_on",
    "request",
    "dispatch",
    "raise",
    "assign",
    "order",
}


def t(key: str, lang: str, **fields: Any) -> str:
    """The drill's word ``key`` in ``lang`` (``en`` or ``zh``), with ``{fields}`` filled in."""
    if lang not in LANGS:
        raise KeyError(f"language {lang!r}; allowed: {', '.join(LANGS)}")
    return TEXTS[key][LANGS.index(lang)].format(**fields)


def kind_label(kind: str, lang: str) -> str:
    """A kind of decision in words (a kind new to the seam and not yet named here: its key)."""
    return t(f"kind.{kind}", lang) if f"kind.{kind}" in TEXTS else kind.replace("_", " ")


def state_label(state: str, lang: str) -> str:
    return t(f"state.{state}", lang)


def choice_label(kind: str, choice: Any, lang: str) -> str:
    """An option of a decision in words; a level of measures as a share (0: none, 1: full)."""
    if kind == "measures" or isinstance(choice, float):
        level = float(choice)
        if level == 0:
            return f"0 ({t('measures.none', lang)})"
        if level == 1:
            return f"1 ({t('measures.full', lang)})"
        return f"{level:.2f}".rstrip("0").rstrip(".")
    if kind == "stand_down" and choice == "normal":
        return t("choice.normal", lang)
    if choice in _CHOICE_KEYS:
        return t(f"choice.{choice}", lang)
    return str(choice).replace("_", " ")


def message_label(kind: str, lang: str) -> str:
    return t(f"msg.{kind}", lang) if f"msg.{kind}" in TEXTS else kind.replace("_", " ")
