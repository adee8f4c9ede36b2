from django.shortcuts import render

from agentbuilder.access import member_required


@member_required
def project_history(request):
    return render(request, "versions/history.html", {"nav": "history"})
