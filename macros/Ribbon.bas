Attribute VB_Name = "Ribbon"
' sheetsync's ribbon dispatcher: every button of the customUI calls OnAction, which hands the
' button's id (the action's name in sheetsync's registry) to Python through xlwings' RunPython.
' The control is declared As Object: the project needs no reference to the Office library.
Option Explicit

Public Sub OnAction(control As Object)
    RunPython "import sheetsync.excel.ribbon as ribbon; ribbon.run('" & control.Id & "')"
End Sub
