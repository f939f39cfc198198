"""What kind of organisation a platform member is, and who may act with whom.

The 携手行动 programme names enterprises of every size, universities, research
institutes and 创新联合体 as parties to 融通: any organisation may post what it
needs and answer what others post. The kind of organisation decides which rule of
the payment regulation applies to it as a buyer (机关、事业单位 30 days, 大型企业
60 days), never whether it may post or apply.

The broad kind comes from the credit code (positions 1-2, GB 32100-2015 table 1:
``12`` 事业单位, ``11`` 机关, ``5x`` 社会组织, ``9x`` 企业); within the 事业单位 the
organisation says whether it is a university or a research institute, which the
code cannot tell.
"""

__all__ = ["ORG_TYPES", "PUBLIC_INSTITUTIONS", "org_type_label", "resolve_org_type", "payment_body",
           "clean_partners", "MAX_PARTNERS", "PARTNER_ROLES"]

#: Kinds of organisation, with their Chinese and English names.
ORG_TYPES = {
    "enterprise": ("企业", "Enterprise"),
    "university": ("高等院校", "University"),
    "research_institute": ("科研院所", "Research institute"),
    "public_institution": ("事业单位", "Public institution"),
    "government": ("机关", "Government body"),
    "social_organisation": ("社会组织", "Social organisation"),
}

#: The kinds that are 事业单位 by their credit code (category 12 or A1).
PUBLIC_INSTITUTIONS = ("university", "research_institute", "public_institution")

_BY_ENTITY_KIND = {
    "government": "government",
    "public_institution": "public_institution",
    "social_organisation": "social_organisation",
}

_NAME_HINTS = (("university", ("大学", "学院", "University", "College")),
               ("research_institute", ("研究院", "研究所", "研究中心", "Institute", "Academy")))

#: What a partner does in a 联合体.
PARTNER_ROLES = {
    "member": ("成员单位", "member"),
    "research": ("研发单位", "research partner"),
    "manufacturing": ("制造单位", "manufacturing partner"),
    "testing": ("检测验证单位", "testing partner"),
    "user": ("应用单位", "user partner"),
}

#: Partners named in one 联合体 application besides the lead applicant.
MAX_PARTNERS = 9


def org_type_label(org_type):
    """``('中文', 'English')`` for `org_type`; unknown kinds read as enterprises."""
    return ORG_TYPES.get(org_type or "enterprise", ORG_TYPES["enterprise"])


def resolve_org_type(entity_kind, declared=None, name=None):
    """The organisation kind stored for a member.

    Parameters
    ----------
    entity_kind : str or None
        The credit code's kind (:func:`matchmaker.domain.uscc.entity_kind`);
        None when there is no valid code.
    declared : str or None
        What the organisation says it is (one of :data:`ORG_TYPES`).
    name : str or None
        Its registered name, used to tell a university or institute apart
        within the 事业单位 when it declared nothing more precise.

    Returns
    -------
    str
        One of :data:`ORG_TYPES`. The code's category wins over the
        declaration: a company named "研究院有限公司" is an enterprise, a 事业单位
        cannot declare itself one.

    Examples
    --------
    >>> resolve_org_type("public_institution", "university")
    'university'
    >>> resolve_org_type("public_institution", None, "某某大学")
    'university'
    >>> resolve_org_type("enterprise", "university")
    'enterprise'
    >>> resolve_org_type(None, "research_institute")
    'research_institute'
    >>> resolve_org_type(None, None, "某某大学"), resolve_org_type(None, None, "某某研究院有限公司")
    ('university', 'enterprise')
    """
    if entity_kind is None:
        if declared in ORG_TYPES:
            return declared
        # No code to go by: a name like 某某大学 still tells; 某某研究院有限公司 is a company.
        if name and "公司" not in name and not name.lower().endswith(("co., ltd.", "ltd.", "ltd", "inc.")):
            return _by_name(name) or "enterprise"
        return "enterprise"
    broad = _BY_ENTITY_KIND.get(entity_kind, "enterprise")
    if broad != "public_institution":
        return broad
    if declared in PUBLIC_INSTITUTIONS:
        return declared
    return _by_name(name) or "public_institution"


def _by_name(name):
    for kind, hints in _NAME_HINTS:
        if name and any(hint in name for hint in hints):
            return kind
    return None


def payment_body(org_type):
    """The credit-code entity kind the payment rule uses for `org_type` when the code is unknown.

    Universities and research institutes pay as 事业单位 (《保障中小企业款项支付条例》
    第九条第一款); enterprises by their size class.

    Examples
    --------
    >>> payment_body("university")
    'public_institution'
    >>> payment_body("enterprise")
    'enterprise'
    """
    if org_type in PUBLIC_INSTITUTIONS:
        return "public_institution"
    if org_type in ("government", "social_organisation"):
        return org_type
    return "enterprise"


def clean_partners(rows, check_code):
    """Validate the partners of a 联合体 application.

    Parameters
    ----------
    rows : iterable of dict
        ``{"name", "credit_code", "role"}`` as entered; rows with neither a
        name nor a code are skipped (empty form lines).
    check_code : callable
        ``check_code(code)`` returns the normalised code or raises ``ValueError``
        with a message saying why the code is invalid.

    Returns
    -------
    partners : list of dict
        ``{"name", "credit_code", "role"}`` with ``credit_code`` None when not given.
    problems : list of tuple
        ``(line number from 1, '中文 / English')`` for each refused row; the
        application must not be sent while there is one.
    """
    partners, problems, seen = [], [], set()
    for number, row in enumerate(rows, start=1):
        name = " ".join(str(row.get("name") or "").split())
        code = str(row.get("credit_code") or "").strip()
        role = row.get("role") or "member"
        if not name and not code:
            continue
        if not name:
            problems.append((number, "请填写联合体成员的单位名称 / enter the partner's registered name"))
            continue
        if len(name) > 200:
            problems.append((number, "单位名称过长（最多200字） / the name is too long (200 characters at most)"))
            continue
        if role not in PARTNER_ROLES:
            problems.append((number, "未知的成员分工 / unknown partner role"))
            continue
        if code:
            try:
                code = check_code(code)
            except ValueError as exc:
                problems.append((number, str(exc)))
                continue
        key = code or name
        if key in seen:
            problems.append((number, "该成员单位已列出 / this partner is already listed"))
            continue
        seen.add(key)
        partners.append({"name": name, "credit_code": code or None, "role": role})
    if len(partners) > MAX_PARTNERS:
        problems.append((MAX_PARTNERS + 1, (f"联合体成员最多{MAX_PARTNERS}家（不含牵头单位） / at most "
                                           f"{MAX_PARTNERS} partners besides the lead applicant")))
    return partners, problems
